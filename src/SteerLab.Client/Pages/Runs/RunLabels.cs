using System.Globalization;
using MudBlazor;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Runs;

namespace SteerLab.Client.Pages.Runs;

/// <summary>How the run pages name and colour things: kinds, states, judges, judgement statuses, coefficients and
/// numbers (always with the invariant culture, so a page reads the same everywhere).</summary>
public static class RunLabels
{
    /// <summary>The name the demo model has in the built-in demo (its answers are continuations, not chat replies).</summary>
    public const string DemoModel = "steerlab-brown-demo";

    /// <summary>The demo classifier judge's contrasts.</summary>
    public static IReadOnlyList<string> DemoContrasts { get; } = ["romance-vs-press", "learned-vs-fiction"];

    public static string Kind(string kind) => kind switch
    {
        RunKinds.AbSweep => "A/B sweep",
        RunKinds.OpenEnded => "Open-ended",
        RunKinds.SideEffects => "Side effects",
        _ => kind,
    };

    public static string KindDescription(string kind) => kind switch
    {
        RunKinds.AbSweep => "Mean p(answer matching the behaviour) over an A/B test set, for each vector and coefficient.",
        RunKinds.OpenEnded => "Steered and unsteered answers to open questions, scored by a judge on behaviour and coherence (0–10).",
        RunKinds.SideEffects => "Perplexity inflation on held-out text and accuracy on A/B benchmarks under each vector and coefficient.",
        _ => "",
    };

    public static bool IsActive(RunSummary run) =>
        !run.State.IsFinal() || run.Judging is RunJudgingState.Queued or RunJudgingState.Running;

    public static bool IsActive(RunView run) =>
        IsActive(run.Summary) || run.Judging?.State is RunJudgingState.Queued or RunJudgingState.Running;

    public static Color StateColor(JobState state) => state switch
    {
        JobState.Succeeded => Color.Success,
        JobState.Failed or JobState.Interrupted => Color.Error,
        JobState.Cancelled => Color.Warning,
        JobState.Running => Color.Info,
        _ => Color.Default,
    };

    public static string Judging(RunJudgingState state) => state switch
    {
        RunJudgingState.WaitingForAnswers => "waiting for answers",
        RunJudgingState.Queued => "queued",
        RunJudgingState.Running => "judging",
        RunJudgingState.Succeeded => "judged",
        RunJudgingState.Failed => "judging failed",
        RunJudgingState.Cancelled => "judging cancelled",
        _ => state.ToString(),
    };

    public static Color JudgingColor(RunJudgingState state) => state switch
    {
        RunJudgingState.Succeeded => Color.Success,
        RunJudgingState.Failed => Color.Error,
        RunJudgingState.Cancelled => Color.Warning,
        RunJudgingState.Running => Color.Info,
        _ => Color.Default,
    };

    public static string JudgeKind(string kind) => kind switch
    {
        JudgeKinds.Classifier => "demo genre classifier",
        JudgeKinds.Model => "model judge",
        JudgeKinds.OpenAi => "OpenAI-compatible judge",
        _ => kind,
    };

    /// <summary>A judgement status as stored ("Scored", "Unparseable", "OutOfRange", "Failed", "NotAvailable") in words.</summary>
    public static string Status(string status) => status switch
    {
        "Scored" => "scored",
        "Unparseable" => "unparseable",
        "OutOfRange" => "out of range",
        "Failed" => "failed",
        "NotAvailable" => "not available",
        _ => status,
    };

    public static Color StatusColor(string status) => status switch
    {
        "Scored" => Color.Success,
        "Unparseable" or "OutOfRange" => Color.Warning,
        "Failed" => Color.Error,
        _ => Color.Default,
    };

    public static string RubricItem(string item) => item switch
    {
        RubricItems.Behaviour => "Behaviour",
        RubricItems.Coherence => "Coherence",
        _ => item,
    };

    /// <summary>"α" for dense vectors, "λ" for sparse (SAS) ones: their coefficients live on different scales.</summary>
    public static string CoefficientSymbol(bool isSparse) => isSparse ? "λ" : "α";

    public static string Coefficient(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An answer's coefficient, or "unsteered".</summary>
    public static string Coefficient(double? value) => value is { } v ? Coefficient(v) : "unsteered";

    public static string Grid(IEnumerable<double> values) => string.Join(", ", values.Select(Coefficient));

    public static string Number(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Number(double? value, string format = "0.000") => value is { } v ? Number(v, format) : "—";

    public static string Interval(double? low, double? high, string format = "0.00") =>
        low is { } l && high is { } h ? $"[{Number(l, format)}, {Number(h, format)}]" : "";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Time(DateTime value) => value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The first characters of a SHA-256: enough to tell versions apart on a page.</summary>
    public static string ShortHash(string? hash) => hash is null ? "—" : hash.Length <= 12 ? hash : hash[..12];
}
