namespace SteerLab.Engine.Steering.Datasets;

/// <summary>The field names one accepted row layout uses for the prompt and the two sides, and the kind of pair
/// it holds.</summary>
internal sealed record PairSchema(string Title, PairKind Kind, string Prompt, string Positive, string Negative)
{
    /// <summary>CAA's generate/test A/B files: question, answer_matching_behavior, answer_not_matching_behavior.</summary>
    public static readonly PairSchema Caa = new("CAA A/B", PairKind.AnswerChoice, "question", "answer_matching_behavior", "answer_not_matching_behavior");
    /// <summary>Plain contrastive pairs: a prompt and its positive and negative completions.</summary>
    public static readonly PairSchema Plain = new("plain pairs", PairKind.Completion, "prompt", "positive", "negative");
    /// <summary>CAA's A/B versions of MMLU and TruthfulQA: prompt, correct, incorrect (correct plays "matching").</summary>
    public static readonly PairSchema Benchmark = new("A/B benchmark", PairKind.AnswerChoice, "prompt", "correct", "incorrect");

    public IReadOnlyList<string> Fields => [Prompt, Positive, Negative];

    public override string ToString() => $"{Title} ({string.Join(", ", Fields)})";

    /// <summary>How many of this layout's fields <paramref name="names"/> holds.</summary>
    public int Score(IReadOnlyCollection<string> names) => Fields.Count(names.Contains);

    /// <summary>The layout most of whose fields are present (earlier wins a tie), or null when none has any.</summary>
    public static PairSchema? BestFit(IReadOnlyCollection<string> names, IReadOnlyList<PairSchema> schemas)
    {
        PairSchema? best = null;
        int bestScore = 0;
        foreach (var schema in schemas)
        {
            int score = schema.Score(names);
            if (score > bestScore) (best, bestScore) = (schema, score);
        }
        return best;
    }

    public static string Describe(IReadOnlyList<PairSchema> schemas) => string.Join(" or ", schemas.Select(s => s.ToString()));
}
