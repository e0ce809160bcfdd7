using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>The team's judges in memory; records what was saved, deleted and tested.</summary>
internal sealed class FakeJudgeSettingsService : IJudgeSettingsService
{
    public List<JudgeSettingView> Judges { get; } = [];
    public List<JudgeSettingRequest> Saved { get; } = [];
    public Dictionary<string, string[]> SaveErrors { get; } = [];
    public List<Guid> Deleted { get; } = [];
    public List<Guid> Tested { get; } = [];
    public JudgeTestResult TestResult { get; set; } = new("Scored", 7, "{\"score\": 7}", null, 120, 8, 0.42);

    public Task<IReadOnlyList<JudgeSettingView>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JudgeSettingView>>(Judges.ToList());

    public Task<JudgeSettingSave> SaveAsync(JudgeSettingRequest request, CancellationToken cancellationToken = default)
    {
        Saved.Add(request);
        if (SaveErrors.Count > 0) return Task.FromResult(new JudgeSettingSave(null, new Dictionary<string, string[]>(SaveErrors)));
        var existing = Judges.FirstOrDefault(j => j.Id == request.Id);
        bool hasKey = request.ApiKey switch { null => existing?.HasApiKey ?? false, "" => false, _ => true };
        var view = new JudgeSettingView(request.Id ?? Guid.NewGuid(), request.Name, request.BaseUrl, request.Model, hasKey, request.MaxConcurrency,
            request.TimeoutSeconds, request.MaxRetries, request.Temperature, DateTime.UtcNow);
        if (existing is not null) Judges.Remove(existing);
        Judges.Add(view);
        return Task.FromResult(new JudgeSettingSave(view, new Dictionary<string, string[]>()));
    }

    public Task<bool> DeleteAsync(Guid judgeId, CancellationToken cancellationToken = default)
    {
        Deleted.Add(judgeId);
        return Task.FromResult(Judges.RemoveAll(j => j.Id == judgeId) > 0);
    }

    public Task<JudgeTestResult?> TestAsync(Guid judgeId, CancellationToken cancellationToken = default)
    {
        Tested.Add(judgeId);
        return Task.FromResult<JudgeTestResult?>(Judges.Any(j => j.Id == judgeId) ? TestResult : null);
    }

    public static JudgeSettingView Judge(string name, bool hasKey = true) =>
        new(Guid.NewGuid(), name, "https://judge.lab.test/v1", "gpt-judge", hasKey, 4, 60, 3, 0, new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc));
}
