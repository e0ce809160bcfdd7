using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

internal static class VectorTestContext
{
    /// <summary>A bUnit context with MudBlazor and <paramref name="vectors"/> as the library (as HomeTests sets it up), and fake feature
    /// label and dashboard services (the detail page of a sparse vector uses them).</summary>
    public static BunitContext New(IVectorService vectors, FakeFeatureLabelService? labels = null, FakeFeatureDashboardService? dashboards = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(vectors);
        ctx.Services.AddSingleton<SteerLab.Shared.Features.IFeatureLabelService>(labels ?? new FakeFeatureLabelService());
        ctx.Services.AddSingleton<SteerLab.Shared.Features.IFeatureDashboardService>(dashboards ?? new FakeFeatureDashboardService());
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}
