using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SteerLab.Client.Tests.Pages.Vectors;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Datasets;
using SteerLab.Shared.Runs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>A bUnit context for the run pages: MudBlazor (as HomeTests sets it up), the fakes, and a member whose role
/// in the active team is <paramref name="role"/>.</summary>
internal static class RunsTestContext
{
    public static BunitContext New(FakeRunService runs, FakeVectorService? vectors = null, FakeDatasetList? datasets = null,
        FakeJudgeSettingsService? judges = null, string role = TeamRoles.Editor)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IRunService>(runs);
        ctx.Services.AddSingleton<IVectorService>(vectors ?? new FakeVectorService());
        ctx.Services.AddSingleton<IDatasetService>(datasets ?? new FakeDatasetList());
        ctx.Services.AddSingleton<IJudgeSettingsService>(judges ?? new FakeJudgeSettingsService());
        ctx.Services.AddSingleton<IAccountService>(new FakeMemberAccount(role));
        ctx.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}

/// <summary>Saved datasets to pick from (only listing is used by the run pages).</summary>
internal sealed class FakeDatasetList : IDatasetService
{
    public List<DatasetSummary> Datasets { get; } = [];

    public DatasetUploadLimits Limits => new(1024, 10);
    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DatasetSummary>>(Datasets.ToList());

    public Task<DatasetValidationResult> ValidateAsync(Stream content, string fileName, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DatasetSaveResult> SaveAsync(Stream content, string fileName, string? name, string? description, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DatasetDetail?> GetAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DatasetPairPage?> GetPairsAsync(Guid id, int skip, int take, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<DatasetSummary?> UpdateAsync(Guid id, DatasetEdit edit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public static DatasetSummary Summary(string name, DatasetPairKind kind, int pairs = 60) =>
        new(Guid.NewGuid(), name, "", kind, pairs, new string('b', 64), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
}
