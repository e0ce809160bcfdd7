using System.Text.Json;
using SteerLab.Shared.Engine;
using SteerLab.Shared.Features;
using SteerLab.Shared.Jobs;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>Labels in memory, recording what the page asked for.</summary>
internal sealed class FakeFeatureLabelService : IFeatureLabelService
{
    public Dictionary<(string Sae, int Feature), FeatureLabelView> Labels { get; } = [];
    public List<(string Sae, int Feature, string? Label)> Sets { get; } = [];
    public Exception? SetFailure { get; set; }

    public long MaxImportBytes => 1 << 20;

    public Task<IReadOnlyDictionary<int, FeatureLabelView>> GetAsync(string saeId, IReadOnlyCollection<int> features, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<int, FeatureLabelView>>(Labels.Where(l => l.Key.Sae == saeId && features.Contains(l.Key.Feature))
            .ToDictionary(l => l.Key.Feature, l => l.Value));

    public Task<FeatureLabelView?> SetAsync(string saeId, int feature, string? label, CancellationToken cancellationToken = default)
    {
        if (SetFailure is not null) throw SetFailure;
        Sets.Add((saeId, feature, label));
        if (string.IsNullOrWhiteSpace(label)) { Labels.Remove((saeId, feature)); return Task.FromResult<FeatureLabelView?>(null); }
        var view = new FeatureLabelView(feature, label.Trim(), FeatureLabelSources.User, DateTime.UtcNow);
        Labels[(saeId, feature)] = view;
        return Task.FromResult<FeatureLabelView?>(view);
    }

    public Task<FeatureLabelImportResult> ImportAsync(string saeId, int? saeWidth, ReadOnlyMemory<byte> export, string source, bool overwriteUserLabels = false,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(FeatureLabelImportResult.Refused([new("$", "not used in these tests")]));
}

/// <summary>A dashboard job whose state the test moves by hand.</summary>
internal sealed class FakeFeatureDashboardService : IFeatureDashboardService
{
    public JobView? Job { get; set; }
    public JobView? Latest { get; set; }
    public FeatureDashboardJobResult? Result { get; set; }
    public string? RefuseWith { get; set; }
    public List<Guid> Started { get; } = [];
    public List<Guid> Cancelled { get; } = [];

    public Task<FeatureDashboardStart> StartAsync(Guid vectorId, int features = IFeatureDashboardService.DefaultFeatures, CancellationToken cancellationToken = default)
    {
        if (RefuseWith is not null) return Task.FromResult(new FeatureDashboardStart(null, RefuseWith));
        Started.Add(vectorId);
        Job = NewJob(JobState.Queued, 0);
        return Task.FromResult(new FeatureDashboardStart(Job, null));
    }

    public Task<JobView?> GetJobAsync(Guid jobId, CancellationToken cancellationToken = default) => Task.FromResult(Job?.Id == jobId ? Job : null);

    public Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        Cancelled.Add(jobId);
        return Task.FromResult(true);
    }

    public Task<JobView?> GetLatestAsync(Guid vectorId, CancellationToken cancellationToken = default) => Task.FromResult(Latest);

    public FeatureDashboardJobResult? ResultOf(JobView job) => job.State == JobState.Succeeded ? Result : null;

    public static JobView NewJob(JobState state, double progress, Guid? id = null) => new(id ?? Guid.NewGuid(), EngineJobKinds.FeatureDashboard, "m", state, progress,
        $"text 3/10", null, 1, "in-process", false, DateTime.UtcNow, null, null, JsonSerializer.SerializeToElement(new { }), null);
}
