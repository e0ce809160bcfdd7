using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Evaluation.SideEffects;

/// <summary>An A/B capability benchmark (CAA's A/B versions of MMLU and TruthfulQA: <c>prompt</c>, <c>correct</c>,
/// <c>incorrect</c> such as "(A)" / "(B)") as token-level questions whose "matching" letter is the correct one, so
/// p(matching) is p(correct) and a question is answered correctly when the correct letter's logit is the larger
/// (<see cref="SideEffectsRunner"/>).</summary>
public sealed record AbBenchmark(string Name, IReadOnlyList<AbQuestion> Questions)
{
    /// <summary>Reads a benchmark file (<see cref="AbTestSetReader"/>) and formats it for the model the way A/B sweeps
    /// do (<see cref="ContrastivePrompts"/>), keeping at most <paramref name="maxQuestions"/> questions.</summary>
    public static AbBenchmark Load(string path, ITextTokenizer tokenizer, ChatTemplate chatTemplate, int? maxQuestions = null, string? name = null) =>
        FromDataset(AbTestSetReader.Read(path, name), new ContrastivePrompts(tokenizer, chatTemplate), maxQuestions);

    /// <summary>At most <paramref name="maxQuestions"/> questions, evenly spaced through the file (item ⌊i·n/max⌋):
    /// CAA's MMLU file is sorted by subject, so its first items would all be abstract algebra.</summary>
    public static AbBenchmark FromDataset(ContrastiveDataset dataset, ContrastivePrompts prompts, int? maxQuestions = null)
    {
        if (maxQuestions is < 1) throw new ArgumentException($"max questions must be at least 1, got {maxQuestions}");
        var pairs = dataset.Pairs;
        int take = Math.Min(pairs.Count, maxQuestions ?? pairs.Count);
        var chosen = Enumerable.Range(0, take).Select(i => pairs[(int)((long)i * pairs.Count / take)]).ToList();
        return new AbBenchmark(dataset.Name, prompts.ToAbQuestions(new ContrastiveDataset(dataset.Name, chosen)));
    }
}
