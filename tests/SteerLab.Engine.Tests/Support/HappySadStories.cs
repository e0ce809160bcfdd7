using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Tests.Support;

/// <summary>Contrastive story sentences for stories260K (a TinyStories model): happy vs sad, written for the tests.
/// The training pairs and the held-out sentences never overlap.</summary>
public static class HappySadStories
{
    static readonly string[] Names = ["Lily", "Tom", "Sue", "Ben", "Mia", "Max", "Anna", "Tim", "Lucy", "Sam", "Amy", "Jack"];

    static readonly (string Happy, string Sad)[] Templates =
    [
        ("{0} was very happy. She smiled and laughed all day.", "{0} was very sad. She cried and cried all day."),
        ("{0} felt happy and played with her friends in the sun.", "{0} felt sad and sat alone in her room."),
        ("{0} laughed and danced because the day was fun.", "{0} cried and frowned because the day was bad."),
        ("{0} was so happy that she hugged her mom and smiled.", "{0} was so sad that she hid under the bed and cried."),
    ];

    public static ContrastiveDataset Training()
    {
        var pairs = new List<ContrastivePair>();
        for (int i = 0; i < 8; i++)
        {
            var (happy, sad) = Templates[i % Templates.Length];
            pairs.Add(ContrastivePair.Completion("", string.Format(happy, Names[i]), string.Format(sad, Names[i])));
        }
        return new ContrastiveDataset("happy-vs-sad", pairs);
    }

    /// <summary>Held-out sentences (names and wording unseen in training).</summary>
    public static IReadOnlyList<string> HeldOutHappy { get; } =
    [
        "Sam was happy. He smiled at his friend and they played a fun game.",
        "Amy laughed and clapped her hands. She loved the sunny day.",
        "Jack was so happy that he jumped and laughed with joy.",
        "Lucy smiled at the bird. She was happy and sang a song.",
    ];

    public static IReadOnlyList<string> HeldOutSad { get; } =
    [
        "Sam was sad. He cried because his friend went away.",
        "Amy cried and cried. She missed her mom very much.",
        "Jack was so sad that he sat down and cried alone.",
        "Lucy frowned at the rain. She was sad and did not want to play.",
    ];

    public static readonly string[] HappyWords = ["happy", "smiled", "smile", "laughed", "laugh", "fun", "joy", "played", "play", "love", "loved", "hug"];
    public static readonly string[] SadWords = ["sad", "cried", "cry", "crying", "scared", "angry", "alone", "hurt", "sorry", "frowned", "upset", "mad"];

    /// <summary>(happy words − sad words) per continuation, averaged.</summary>
    public static double Score(IEnumerable<string> texts)
    {
        var list = texts.ToList();
        return list.Average(text =>
        {
            var words = text.ToLowerInvariant().Split([' ', '.', ',', '!', '?', '"', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return words.Count(HappyWords.Contains) - (double)words.Count(SadWords.Contains);
        });
    }
}
