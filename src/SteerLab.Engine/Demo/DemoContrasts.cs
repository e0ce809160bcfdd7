namespace SteerLab.Engine.Demo;

/// <summary>A genre contrast the demo ships a dataset and vectors for: steering towards <see cref="Positive"/> and away
/// from <see cref="Negative"/>.</summary>
public sealed record DemoContrast(string Id, string Description, char Positive, char Negative)
{
    public string DatasetFileName => $"{Id}.json";

    public static readonly DemoContrast RomanceVsPress = new("romance-vs-press",
        "Sentences from romance fiction (positive) against press reportage (negative), Brown Corpus held-out texts", 'p', 'a');
    public static readonly DemoContrast LearnedVsFiction = new("learned-vs-fiction",
        "Sentences from learned and scientific writing (positive) against general fiction (negative), Brown Corpus held-out texts", 'j', 'k');

    public static IReadOnlyList<DemoContrast> All => [RomanceVsPress, LearnedVsFiction];
}
