using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Models.Tokenizers.Training;

namespace SteerLab.Engine.Tests.Demo;

public class ByteLevelBpeTrainerTests
{
    static readonly string[] Corpus =
    [
        "the cat sat on the mat. the cat ate the rat.",
        "then the other cat sat there, and the mat was theirs.\nThe end.",
    ];

    [Fact]
    public void Train_MergesTheMostFrequentPairFirst()
    {
        var bpe = ByteLevelBpeTrainer.Train(Corpus, vocabSize: 270);
        // Brute force: count adjacent character pairs inside GPT-2 pre-tokens (all ASCII here, so bytes = chars).
        var counts = new Dictionary<string, int>();
        foreach (string text in Corpus)
            foreach (System.Text.RegularExpressions.Match piece in System.Text.RegularExpressions.Regex.Matches(text, ByteLevelBpe.Gpt2Pattern))
                for (int i = 0; i + 1 < piece.Value.Length; i++)
                    counts[piece.Value.Substring(i, 2)] = counts.GetValueOrDefault(piece.Value.Substring(i, 2)) + 1;
        string top = counts.OrderByDescending(c => c.Value).First().Key;
        Assert.Single(counts, c => c.Value == counts[top]); // the corpus has no tie at the top
        Assert.Equal(top.Replace(' ', 'Ġ').Replace('\n', 'Ċ'), bpe.Merges[0].Left + bpe.Merges[0].Right);
        Assert.Equal(270, bpe.Tokens.Count);
        Assert.Equal(ByteLevelBpeTrainer.EndOfText, bpe.Tokens[^1]);
    }

    [Fact]
    public void Train_IsDeterministic()
    {
        var a = ByteLevelBpeTrainer.Train(Corpus, vocabSize: 300);
        var b = ByteLevelBpeTrainer.Train(Corpus.Reverse(), vocabSize: 300);
        Assert.Equal(a.Merges, b.Merges);
    }

    [Fact]
    public void Saved_TokenizerLoadsRoundTripsAndUsesTheLearnedMerges()
    {
        var bpe = ByteLevelBpeTrainer.Train(Corpus, vocabSize: 300);
        string folder = Directory.CreateTempSubdirectory().FullName;
        bpe.Save(folder);
        var tokenizer = TokenizerLoader.Load(folder)!;
        Assert.Equal(bpe.EndOfTextId, tokenizer.BosId);
        Assert.Equal(bpe.EndOfTextId, tokenizer.EosId);

        string text = "the cat sat on the mat.\nÜnïcödé, too!";
        var ids = tokenizer.Encode(text, addBos: true);
        Assert.Equal(bpe.EndOfTextId, ids[0]);
        Assert.Equal(text, tokenizer.Decode(ids));
        // Learned words become single tokens: " cat" is in the vocabulary and encodes to one id.
        int cat = bpe.Tokens.ToList().IndexOf("Ġcat");
        Assert.True(cat >= 256);
        Assert.Contains(cat, tokenizer.Encode(" cat", addBos: false));
        Assert.True(tokenizer.Encode(Corpus[0], addBos: false).Count < Corpus[0].Length / 2);
    }

    [Fact]
    public void Train_RejectsAVocabularyTooSmallForOneMerge() =>
        Assert.Throws<ArgumentException>(() => ByteLevelBpeTrainer.Train(Corpus, vocabSize: 257));
}
