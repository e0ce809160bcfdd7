using MudBlazor.Services;
using SteerLab.Client;
using SteerLab.Server;
using SteerLab.Server.Engine;
using SteerLab.Shared.Engine;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddOptions<SteerLabOptions>().BindConfiguration(SteerLabOptions.SectionName);
builder.Services.AddSingleton<IEngineStatus, InProcessEngineStatus>();

var app = builder.Build();

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the tests' <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
