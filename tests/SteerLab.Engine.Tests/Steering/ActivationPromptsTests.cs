using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Tests.Support;

namespace SteerLab.Engine.Tests.Steering;

public class ActivationPromptsTests
{
    internal static readonly ContrastivePair[] StoryQuestions =
    [
        ContrastivePair.AnswerChoice("Lily has a red ball. Is the ball red?\n\nChoices:\n (A) Yes\n (B) No", "(A)", "(B)"),
        ContrastivePair.AnswerChoice("Tom saw a big dog in the park. Was the dog small?\n (A) Yes\n (B) No", "(B)", "(A)"),
        ContrastivePair.AnswerChoice("The cat was sad.\n(A) happy\n(B) sad", "(B)", "(A)"),
        ContrastivePair.AnswerChoice("Once upon a time there was a little girl named Sue. She liked to play outside with her friends every day. Did Sue like to play?\n (A) Yes\n (B) No\n (C) Maybe", "(A)", "(C)"),
    ];

    internal static ITextTokenizer StoriesTokenizer() => TokenizerLoader.Load(Stories260K.Directory)!;

    [SkippableFact]
    public void AnswerToken_IsTheLetterToken_OnTheSentencePieceTokenizer()
    {
        var tokenizer = StoriesTokenizer();
        var prompts = new ContrastivePrompts(tokenizer);
        foreach (var pair in StoryQuestions)
        {
            var tokenized = prompts.Tokenize(pair);
            foreach (var (example, label) in new[] { (tokenized.Positive, pair.MatchingAnswer), (tokenized.Negative, pair.NotMatchingAnswer) })
            {
                int letter = example.LetterIndex!.Value;
                Assert.Equal(label[1].ToString(), tokenizer.Decode([example.Ids[letter]]));
                Assert.Equal(")", tokenizer.Decode([example.Ids[letter + 1]]));          // CAA's "position −2 of …(A)"
                Assert.Equal(example.Ids.Count - 2, letter);
                Assert.EndsWith("Assistant:", tokenizer.Decode(example.Ids.Take(example.AnswerStart).ToList()).TrimEnd());
                Assert.Equal((example.AnswerStart - 1, 1), example.ReadSpan(ReadPosition.LastPromptToken));
                Assert.Equal((example.AnswerStart, example.Ids.Count - example.AnswerStart), example.ReadSpan(ReadPosition.CompletionMean));
                Assert.Equal(tokenizer.BosId, example.Ids[0]);
            }
            // Both sides share the prompt tokens and differ from the letter on.
            Assert.Equal(tokenized.Positive.Ids.Take(tokenized.Positive.AnswerStart), tokenized.Negative.Ids.Take(tokenized.Negative.AnswerStart));
            Assert.NotEqual(tokenized.Positive.Ids[tokenized.Positive.LetterIndex!.Value], tokenized.Negative.Ids[tokenized.Negative.LetterIndex!.Value]);
        }
    }

    [SkippableFact]
    public void AbQuestions_EndAtTheOpeningParenthesis_AndScoreTheLetterTokens()
    {
        var tokenizer = StoriesTokenizer();
        var prompts = new ContrastivePrompts(tokenizer);
        var questions = prompts.ToAbQuestions(new ContrastiveDataset("stories", StoryQuestions));
        Assert.Equal(StoryQuestions.Length, questions.Count);
        for (int i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            Assert.EndsWith("Assistant: (", tokenizer.Decode(question.PromptIds));
            Assert.Equal(StoryQuestions[i].MatchingAnswer[1].ToString(), tokenizer.Decode([question.MatchingTokenId]));
            Assert.Equal(StoryQuestions[i].NotMatchingAnswer[1].ToString(), tokenizer.Decode([question.NotMatchingTokenId]));
            // The scored letter is the very token the activations are read at.
            var tokenized = prompts.Tokenize(StoryQuestions[i]).Positive;
            Assert.Equal(question.PromptIds, tokenized.Ids.Take(tokenized.LetterIndex!.Value));
            Assert.Equal(question.MatchingTokenId, tokenized.Ids[tokenized.LetterIndex!.Value]);
        }
    }

    [SkippableFact]
    public void CompletionPairs_ContinueThePromptInPlainText()
    {
        var tokenizer = StoriesTokenizer();
        var prompts = new ContrastivePrompts(tokenizer);
        var tokenized = prompts.Tokenize(ContrastivePair.Completion("Once upon a time", " there was a happy dog.", " there was a sad dog."));
        var positive = tokenized.Positive;
        Assert.Null(positive.LetterIndex);
        Assert.Equal("Once upon a time", tokenizer.Decode(positive.Ids.Take(positive.AnswerStart).ToList()));
        Assert.Equal("Once upon a time there was a happy dog.", tokenizer.Decode(positive.Ids));
        Assert.Throws<ArgumentException>(() => positive.ReadSpan(ReadPosition.AnswerToken));
        Assert.Throws<ArgumentException>(() => prompts.ToAbQuestions(new ContrastiveDataset("c", [ContrastivePair.Completion("p", "a", "b")])));
    }

    [Fact]
    public void ChatTemplate_PutsTheQuestionInTheUserTurn_AndTheAnswerOpensTheModelTurn()
    {
        var pair = ContrastivePair.AnswerChoice("Is it?\n (A) Yes\n (B) No", "(A)", "(B)");
        var prompts = new ContrastivePrompts(new MergingTokenizer(), ChatTemplate.Gemma);
        Assert.Equal("<bos><start_of_turn>user\nIs it?\n (A) Yes\n (B) No<end_of_turn>\n<start_of_turn>model\n", prompts.PromptText(pair));
        Assert.Equal("gemma/1", prompts.FormatName);
        Assert.Equal("plain/1", new ContrastivePrompts(new MergingTokenizer()).FormatName);
        Assert.Equal("User: Is it?\n (A) Yes\n (B) No\nAssistant: ", new ContrastivePrompts(new MergingTokenizer()).PromptText(pair));
    }

    [Fact]
    public void AnswerToken_IsFound_WhenTheTokenizerMergesTheParenthesisWithTheLetter()
    {
        var tokenizer = new MergingTokenizer();
        var prompts = new ContrastivePrompts(tokenizer);
        var tokenized = prompts.Tokenize(ContrastivePair.AnswerChoice("Q?", "(A)", "(B)"));
        Assert.Equal("(A", tokenizer.Decode([tokenized.Positive.Ids[tokenized.Positive.LetterIndex!.Value]]));
        Assert.Equal("(B", tokenizer.Decode([tokenized.Negative.Ids[tokenized.Negative.LetterIndex!.Value]]));
        Assert.Equal(tokenized.Positive.Ids.Count - 2, tokenized.Positive.LetterIndex);

        // After "(" the letter is not a token of its own here, so the question cannot be scored by next-token logits.
        var error = Assert.Throws<InvalidOperationException>(() => prompts.ToAbQuestion(ContrastivePair.AnswerChoice("Q?", "(A)", "(B)")));
        Assert.Contains("answer letter 'A'", error.Message);
    }

    /// <summary>One token per character, except that "(A" and "(B" are single tokens (as some BPE vocabularies have).</summary>
    sealed class MergingTokenizer : ITextTokenizer
    {
        public int? BosId => 1000;
        public int? EosId => null;
        public IReadOnlyList<int> StopIds => [];

        public IReadOnlyList<int> Encode(string text, bool addBos)
        {
            var ids = new List<int>();
            if (addBos) ids.Add(1000);
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '(' && i + 1 < text.Length && text[i + 1] is 'A' or 'B') { ids.Add(text[i + 1] == 'A' ? 2000 : 2001); i++; }
                else ids.Add(text[i]);
            }
            return ids;
        }

        public string Decode(IReadOnlyList<int> ids) => string.Concat(ids.Select(id => id switch
        {
            1000 => "",
            2000 => "(A",
            2001 => "(B",
            _ => ((char)id).ToString(),
        }));
    }
}
