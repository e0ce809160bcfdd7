using MudBlazor.Services;
using SteerLab.Client;
using SteerLab.Server.Accounts;
using SteerLab.Server;
using SteerLab.Server.Api;
using SteerLab.Server.Chat;
using SteerLab.Server.Compare;
using SteerLab.Server.Data;
using SteerLab.Server.Datasets;
using SteerLab.Server.Engine;
using SteerLab.Server.Features;
using SteerLab.Server.Jobs;
using SteerLab.Server.Judges;
using SteerLab.Server.Limits;
using SteerLab.Server.Models;
using SteerLab.Server.Runs;
using SteerLab.Server.Vectors;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSteerLabOptions();
// Order matters for the hosted services: the database is migrated before the job scheduler reads the queue.
builder.Services.AddSteerLabDatabase();
builder.Services.AddSteerLabAccounts();
builder.Services.AddSteerLabEngine();
builder.Services.AddSteerLabJobs();
builder.Services.AddSteerLabApi();
builder.Services.AddSteerLabDatasets();
builder.Services.AddSteerLabVectors();
builder.Services.AddSteerLabFeatures();
builder.Services.AddSteerLabChat();
builder.Services.AddSteerLabModels();
builder.Services.AddSteerLabCompare();
builder.Services.AddSteerLabLimits();
builder.Services.AddSteerLabJudges();
builder.Services.AddSteerLabRuns();
builder.Services.AddScoped<SteerLab.Shared.Reports.IReportService, SteerLab.Server.Reports.ReportService>();

var app = builder.Build();

app.UseStatusCodePagesForPeople("/not-found");
app.UseAuthentication();
app.UseTeamScope();
app.UseAuthorization();
app.UseSteerLabLimits();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSteerLabApi();
app.MapAccountEndpoints();
app.MapSteerLabEngineHub();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the tests' <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
