using SteerLab.Shared.Engine;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Tests.Pages.Runs;

/// <summary>Runs of each kind as the server would show them, for the run page's tests.</summary>
internal static class RunViews
{
    static readonly Guid CaaId = Guid.NewGuid(), SasId = Guid.NewGuid();

    public static RunProvenance Provenance(SamplingProvenance? sampling = null, JudgeProvenance? judge = null) => new(
        "steerlab-brown-demo", "sha256:c0ffee", "0.9.0+abc1234",
        [new(CaaId, "romance CAA", "caa", new string('1', 64), null, null), new(SasId, "romance SAS", "sas", new string('2', 64), "demo/sae", new string('3', 64))],
        [new("test set", Guid.NewGuid(), "romance A/B", new string('4', 64), 60, 50)],
        [-4, 0, 4], [-16, 0, 16], true, sampling, judge, "in-process", new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc));

    static RunRequest Request(string kind) => new(kind, null, [CaaId, SasId], [-4, 0, 4], [-16, 0, 16]);

    public static RunView AbSweep(JobState state = JobState.Succeeded)
    {
        var summary = FakeRunService.Summary("romance sweep", RunKinds.AbSweep, state, progress: state == JobState.Succeeded ? 1 : 0.3,
            message: state == JobState.Running ? "romance SAS: λ = 0" : null);
        var result = state != JobState.Succeeded ? null : new SweepJobResult("steerlab-brown-demo", "romance A/B", 50, 60,
        [
            new(CaaId, "romance CAA", "caa", false, [new(-4, 0.31, 0.25, 0.37, 50), new(0, 0.5, 0.45, 0.55, 50), new(4, 0.72, 0.66, 0.78, 50)]),
            new(SasId, "romance SAS", "sas", true, [new(-16, 0.4, 0.35, 0.45, 50), new(0, 0.5, 0.45, 0.55, 50), new(16, 0.61, 0.55, 0.67, 50)]),
        ]);
        return new RunView(summary, Request(RunKinds.AbSweep), Provenance(), null, result, null, null);
    }

    static ScoreSummaryView Score(double? mean, int scored = 4, int unparseable = 0, int failed = 0, int pending = 0) =>
        new(mean, mean - 0.1, mean + 0.1, scored, unparseable, 0, failed, 0, pending);

    static OpenEndedPointView Point(double lambda, double behaviour, double coherence, int unparseable = 0) =>
        new(lambda, Score(behaviour, unparseable: unparseable), Score(coherence), Score(behaviour * coherence));

    public static RunView OpenEnded(RunJudgingState? judging = null, JudgingView? judgingView = null)
    {
        var summary = FakeRunService.Summary("romance answers", RunKinds.OpenEnded, judging: judging);
        var result = new OpenEndedResultView("team GPT (gpt-judge)", "reads like romance fiction", 4,
        [
            new(CaaId, "romance CAA", "caa", false, Point(0, 0.2, 0.9), [Point(-4, 0.1, 0.8), Point(4, 0.7, 0.6, unparseable: 2)]),
            new(SasId, "romance SAS", "sas", true, Point(0, 0.2, 0.9), [Point(-16, 0.15, 0.85), Point(16, 0.6, 0.8)]),
        ],
        new JudgementCounts(44, 2, 1, 3, 0, 6), 12_345, 678);
        var provenance = Provenance(new SamplingProvenance(0.7, 0.95, 1, 48, "raw", null),
            new JudgeProvenance(JudgeKinds.OpenAi, "team GPT", "https://judge.lab.test/v1", "gpt-judge", 4, 60, 3, 0));
        return new RunView(summary, Request(RunKinds.OpenEnded), provenance, judgingView, null, result, null);
    }

    public static RunView SideEffects()
    {
        var summary = FakeRunService.Summary("romance side effects", RunKinds.SideEffects);
        BenchmarkAccuracyResult Mmlu(double accuracy) => new("mmlu", 50, (int)(accuracy * 50), accuracy, accuracy - 0.1, accuracy + 0.1, accuracy);
        PerplexityInflationResult Ppl(double inflation) => new(20 * inflation, 20, inflation, inflation - 0.02, inflation + 0.02, 16, 1024);
        var result = new SideEffectsJobResult("steerlab-brown-demo", "brown held-out", 16, 64, 20, [Mmlu(0.6)],
        [
            new(CaaId, "romance CAA", "caa", false, [new(-4, Ppl(1.3), [Mmlu(0.5)]), new(4, Ppl(1.25), [Mmlu(0.52)])]),
            new(SasId, "romance SAS", "sas", true, [new(-16, Ppl(1.05), [Mmlu(0.58)]), new(16, Ppl(1.04), [Mmlu(0.59)])]),
        ]);
        return new RunView(summary, Request(RunKinds.SideEffects), Provenance(), null, null, null, result);
    }
}
