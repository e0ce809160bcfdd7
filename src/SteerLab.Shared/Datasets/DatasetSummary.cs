namespace SteerLab.Shared.Datasets;

/// <summary>What a pair's two sides are: answer labels to an A/B question ("(A)", "(B)": CAA datasets and A/B
/// benchmarks), or two free-text completions of one prompt (plain contrastive pairs).</summary>
public enum DatasetPairKind { AnswerChoice, Completion }

/// <summary>A saved dataset as lists show it.</summary>
/// <param name="ContentHash">Lower-case hex SHA-256 of the pairs (not of the file): the dataset's version, the key
/// vectors record as their provenance.</param>
public sealed record DatasetSummary(
    Guid Id,
    string Name,
    string Description,
    DatasetPairKind Kind,
    int PairCount,
    string ContentHash,
    DateTime CreatedAt);

/// <summary>One contrastive pair as pages show it.</summary>
/// <param name="Number">1-based position of the pair in the dataset.</param>
/// <param name="Prompt">The prompt (for A/B pairs: the question with its choices).</param>
/// <param name="Positive">The side matching the behaviour (an answer label like "(A)", or a completion).</param>
/// <param name="Negative">The other side.</param>
public sealed record DatasetPair(int Number, string Prompt, string Positive, string Negative);

/// <summary>A saved dataset with its first pairs.</summary>
public sealed record DatasetDetail(DatasetSummary Dataset, IReadOnlyList<DatasetPair> FirstPairs);

/// <summary>One page of a dataset's pairs.</summary>
/// <param name="Total">How many pairs the dataset holds.</param>
public sealed record DatasetPairPage(int Total, int Skip, IReadOnlyList<DatasetPair> Pairs)
{
    /// <summary>The most pairs one page may hold.</summary>
    public const int MaxTake = 500;
}
