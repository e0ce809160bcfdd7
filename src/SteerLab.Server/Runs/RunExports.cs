using System.Text;
using System.Text.Json;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>The JSON export: the run as <c>GET /api/runs/{id}</c> shows it (summary, request, provenance, judging,
/// results) and, for open-ended runs, every answer with its judgements and each review score. Reviewers appear as
/// numbers (1, 2 … in the order of their ids), not as accounts: an export leaves the team.</summary>
public sealed record RunExportDocument(string Format, RunView Run, IReadOnlyList<ExportedAnswer>? Answers)
{
    public const string FormatName = "steerlab.run/1";
}

public sealed record ExportedAnswer(long Id, int Series, string SeriesName, int QuestionIndex, string Question, double? Lambda, string Text, string Finish,
    JudgementView? Behaviour, JudgementView? Coherence, IReadOnlyList<ExportedReview> Reviews);

public sealed record ExportedReview(string Item, int Score, int Reviewer);

/// <summary>A run as a file (<see cref="IRunService.ExportAsync"/>): "json" (<see cref="RunExportDocument"/>) or "csv"
/// (RFC 4180, <see cref="CsvWriter"/>): one row per result point — A/B sweep: vector, method, lambda, mean_p, low, high,
/// n; side effects: vector, lambda, perplexity, inflation, low, high and accuracy, low, high per benchmark, after one
/// "unsteered" baseline row — or, for open-ended runs, one row per answer and rubric item.</summary>
public static class RunExports
{
    public const string Json = "json";
    public const string Csv = "csv";
    public static IReadOnlyList<string> Formats { get; } = [Json, Csv];

    public static RunExport Create(string format, RunView view, IReadOnlyList<ScoredAnswer> answers) => format switch
    {
        Json => new RunExport(FileName(view.Summary, Json), "application/json", JsonDocumentOf(view, answers)),
        Csv => new RunExport(FileName(view.Summary, Csv), "text/csv; charset=utf-8", CsvOf(view, answers)),
        _ => throw new ArgumentException($"unknown export format '{format}': use {string.Join(" or ", Formats)}"),
    };

    /// <summary>"run-{name-slug}-{first 8 hex digits of the id}.{ext}", the slug lower-case ASCII letters and digits
    /// joined by hyphens (at most 60 characters).</summary>
    public static string FileName(RunSummary run, string extension)
    {
        var slug = new StringBuilder();
        foreach (char c in run.Name.ToLowerInvariant())
            if (char.IsAsciiLetterOrDigit(c)) slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        string name = slug.ToString(0, Math.Min(slug.Length, 60)).Trim('-');
        return $"run-{(name.Length == 0 ? run.Kind : name)}-{run.Id.ToString("N")[..8]}.{extension}";
    }

    static byte[] JsonDocumentOf(RunView view, IReadOnlyList<ScoredAnswer> answers)
    {
        var reviewerNumbers = answers.SelectMany(a => a.Reviews).Select(r => r.ReviewerId).Distinct().Order()
            .Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index + 1);
        var exported = view.Summary.Kind != RunKinds.OpenEnded ? null : answers.Select(scored =>
        {
            var answer = scored.Answer;
            return new ExportedAnswer(answer.Id, answer.Series, RunAnswerRows.SeriesName(view.Provenance, answer.Series), answer.QuestionIndex, answer.Question,
                answer.Lambda, answer.Text, answer.Finish, RunAnswerRows.ToView(scored.Behaviour), RunAnswerRows.ToView(scored.Coherence),
                scored.Reviews.Select(r => new ExportedReview(r.Item, r.Score, reviewerNumbers[r.ReviewerId])).ToList());
        }).ToList();
        return JsonSerializer.SerializeToUtf8Bytes(new RunExportDocument(RunExportDocument.FormatName, view, exported), RunJson.Indented);
    }

    static byte[] CsvOf(RunView view, IReadOnlyList<ScoredAnswer> answers)
    {
        var csv = new CsvWriter();
        switch (view.Summary.Kind)
        {
            case RunKinds.AbSweep: AbSweepRows(csv, view); break;
            case RunKinds.SideEffects: SideEffectsRows(csv, view); break;
            default: OpenEndedRows(csv, view, answers); break;
        }
        return csv.ToUtf8();
    }

    static void AbSweepRows(CsvWriter csv, RunView view)
    {
        csv.Texts(["vector", "method", "lambda", "mean_p", "low", "high", "n"]).EndRow();
        foreach (var series in view.AbSweep?.Series ?? [])
            foreach (var point in series.Points)
            {
                csv.Text(VectorName(view, series.VectorId, series.Name)).Text(series.Method).Number(point.Lambda).Number(point.MeanProbability)
                    .Number(point.IntervalLow).Number(point.IntervalHigh).Number(point.Count).EndRow();
            }
    }

    static void SideEffectsRows(CsvWriter csv, RunView view)
    {
        var result = view.SideEffects;
        List<string> benchmarks = result is null ? [] : result.BaselineBenchmarks.Select(b => b.Benchmark)
            .Concat(result.Series.SelectMany(s => s.Points).SelectMany(p => p.Benchmarks).Select(b => b.Benchmark)).Distinct().ToList();
        csv.Texts(["vector", "lambda", "perplexity", "inflation", "low", "high"]);
        foreach (string benchmark in benchmarks) csv.Texts([$"{benchmark} accuracy", $"{benchmark} low", $"{benchmark} high"]);
        csv.EndRow();
        if (result is null) return;

        csv.Text("").Text("unsteered").Number(result.BaselinePerplexity).Number(result.BaselinePerplexity is null ? null : 1.0).Text("").Text("");
        Accuracies(csv, benchmarks, result.BaselineBenchmarks);
        foreach (var series in result.Series)
            foreach (var point in series.Points)
            {
                csv.Text(VectorName(view, series.VectorId, series.Name)).Number(point.Lambda).Number(point.Perplexity?.Perplexity)
                    .Number(point.Perplexity?.Inflation).Number(point.Perplexity?.Low).Number(point.Perplexity?.High);
                Accuracies(csv, benchmarks, point.Benchmarks);
            }
    }

    static void Accuracies(CsvWriter csv, IReadOnlyList<string> benchmarks, IReadOnlyList<Shared.Engine.BenchmarkAccuracyResult> results)
    {
        foreach (string benchmark in benchmarks)
        {
            var result = results.FirstOrDefault(r => r.Benchmark == benchmark);
            csv.Number(result?.Accuracy).Number(result?.Low).Number(result?.High);
        }
        csv.EndRow();
    }

    static void OpenEndedRows(CsvWriter csv, RunView view, IReadOnlyList<ScoredAnswer> answers)
    {
        csv.Texts(["series", "question_index", "question", "lambda", "text", "item", "status", "score", "raw_text", "judge", "human_mean", "reviews"]).EndRow();
        foreach (var scored in answers)
            foreach (string item in RubricItems.All)
            {
                var answer = scored.Answer;
                var judgement = scored.Judgement(item);
                csv.Text(RunAnswerRows.SeriesName(view.Provenance, answer.Series)).Number(answer.QuestionIndex).Text(answer.Question);
                if (answer.Lambda is double lambda) csv.Number(lambda); else csv.Text("unsteered");
                csv.Text(answer.Text).Text(item).Text(judgement?.Status ?? "Pending").Number(judgement?.Score).Text(judgement?.RawText)
                    .Text(judgement?.Judge).Number(scored.HumanMean(item)).Number(scored.ReviewsOf(item).Count()).EndRow();
            }
    }

    /// <summary>The library name the run recorded for the vector (what the user knows it by), else the document's.</summary>
    static string VectorName(RunView view, Guid? vectorId, string fallback) =>
        view.Provenance.Vectors.FirstOrDefault(v => v.Id == vectorId)?.Name ?? fallback;
}
