using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

internal static class VectorTestContext
{
    /// <summary>A bUnit context with MudBlazor and <paramref name="vectors"/> as the library (as HomeTests sets it up), fake feature
    /// label and dashboard services (the detail page of a sparse vector uses them), shares, and an account whose role in its
    /// team is <paramref name="role"/>.</summary>
    public static BunitContext New(IVectorService vectors, FakeFeatureLabelService? labels = null, FakeFeatureDashboardService? dashboards = null,
        FakeVectorShareService? shares = null, string role = SteerLab.Shared.Accounts.TeamRoles.Owner)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(vectors);
        ctx.Services.AddSingleton<SteerLab.Shared.Features.IFeatureLabelService>(labels ?? new FakeFeatureLabelService());
        ctx.Services.AddSingleton<SteerLab.Shared.Features.IFeatureDashboardService>(dashboards ?? new FakeFeatureDashboardService());
        ctx.Services.AddSingleton<IVectorShareService>(shares ?? new FakeVectorShareService());
        ctx.Services.AddSingleton<SteerLab.Shared.Accounts.IAccountService>(new FakeMemberAccount(role));
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}

/// <summary>The signed-in member as the vector pages ask about them: only their role in the active team matters there.</summary>
internal sealed class FakeMemberAccount(string role) : SteerLab.Shared.Accounts.IAccountService
{
    static readonly SteerLab.Shared.Accounts.TeamView Team = new(Guid.NewGuid(), "Lab", SteerLab.Shared.Accounts.TeamRoles.Owner);

    public Task<SteerLab.Shared.Accounts.AccountView> GetAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new SteerLab.Shared.Accounts.AccountView(Guid.Empty, "me@lab.test", false, Team with { Role = role }, [Team with { Role = role }]));

    public Task SwitchTeamAsync(Guid teamId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<SteerLab.Shared.Accounts.ApiKeyView>> ListApiKeysAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<SteerLab.Shared.Accounts.ApiKeyCreated> CreateApiKeyAsync(string name, string scope, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> RevokeApiKeyAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
