using SteerLab.Engine.Evaluation;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>Turns contrastive pairs into the token ids the model reads (DESIGN §5), and A/B test items into
/// <see cref="AbQuestion"/>s, with the same prompt text for both so that what a vector is built from and what it is
/// measured on match.
/// <para>Prompt text. With a chat template (Gemma, Llama-3) the question or prompt is the user turn and the answer or
/// completion starts the model's turn: <c>&lt;start_of_turn&gt;user\nQ&lt;end_of_turn&gt;\n&lt;start_of_turn&gt;model\n(A)</c>,
/// as CAA does with Llama-2-chat. Without one (base models, <see cref="ChatFormat.Plain"/>) an A/B question still needs a
/// turn boundary before its letter, so it is written <c>User: Q\nAssistant: (A)</c> (the plain chat format; CAA's
/// base-model format is the same with Input:/Response:), while a completion simply continues its prompt: prompt +
/// completion, spacing as the dataset wrote it.</para>
/// <para>Token positions are found by tokenizing the text before the answer and the whole text and comparing, so a
/// token that merges the end of the prompt with the start of the answer is handled; the answer letter's token is the
/// first answer token whose decoded text reaches the letter, which also covers tokenizers that merge "(A" or "A)" into
/// one token.</para></summary>
public sealed class ContrastivePrompts
{
    /// <summary>Bump when the text or token layout below changes: it is part of every activation cache key.</summary>
    const int LayoutVersion = 1;

    readonly ITextTokenizer tokenizer;
    readonly ChatTemplate template;
    readonly bool templated;

    public ContrastivePrompts(ITextTokenizer tokenizer, ChatTemplate? chatTemplate = null)
    {
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        template = chatTemplate ?? ChatTemplate.Plain;
        templated = template.Format != ChatFormat.Plain;
    }

    /// <summary>Names the prompt layout (chat format + layout version), e.g. "gemma/1"; part of the cache key.</summary>
    public string FormatName => $"{template.Format.ToString().ToLowerInvariant()}/{LayoutVersion}";

    /// <summary>The text that comes before the answer or completion.</summary>
    public string PromptText(ContrastivePair pair)
    {
        if (templated) return template.Apply([new ChatMessage("user", pair.Prompt)], addGenerationPrompt: true);
        return pair.Kind == PairKind.AnswerChoice
            ? template.Apply([new ChatMessage("user", pair.Prompt)], addGenerationPrompt: true) + " "
            : pair.Prompt;
    }

    bool AddBos => !templated || !template.IncludesBos;

    public IReadOnlyList<TokenizedPair> Tokenize(ContrastiveDataset dataset) => dataset.Pairs.Select(Tokenize).ToList();

    public TokenizedPair Tokenize(ContrastivePair pair)
    {
        string prompt = PromptText(pair);
        var promptIds = tokenizer.Encode(prompt, AddBos);
        return new TokenizedPair(Example(pair, prompt, promptIds, pair.Positive), Example(pair, prompt, promptIds, pair.Negative));
    }

    TokenizedExample Example(ContrastivePair pair, string prompt, IReadOnlyList<int> promptIds, string answer)
    {
        var ids = tokenizer.Encode(prompt + answer, AddBos);
        int answerStart = CommonPrefixLength(promptIds, ids);
        if (answerStart >= ids.Count)
            throw new ArgumentException($"the answer {Quote(answer)} adds no tokens after the prompt {Quote(pair.Prompt)}");
        int? letter = pair.Kind == PairKind.AnswerChoice ? LetterIndex(ids, answerStart, answer) : null;
        return new TokenizedExample(ids, answerStart, letter);
    }

    /// <summary>The first token from <paramref name="answerStart"/> on whose decoded text, together with the answer
    /// tokens before it, contains the label up to and including its letter ("(A").</summary>
    int LetterIndex(IReadOnlyList<int> ids, int answerStart, string label)
    {
        string throughLetter = label[..(label.IndexOf(AnswerLabel.Letter(label)) + 1)];
        for (int end = answerStart + 1; end <= ids.Count; end++)
        {
            string decoded = tokenizer.Decode(ids.Skip(answerStart).Take(end - answerStart).ToList());
            if (decoded.Contains(throughLetter, StringComparison.Ordinal)) return end - 1;
        }
        throw new InvalidOperationException($"cannot find the token of the answer letter in {Quote(label)}: its tokens decode to " +
            Quote(tokenizer.Decode(ids.Skip(answerStart).ToList())));
    }

    public IReadOnlyList<AbQuestion> ToAbQuestions(ContrastiveDataset dataset)
    {
        if (dataset.Kind != PairKind.AnswerChoice)
            throw new ArgumentException($"dataset '{dataset.Name}' holds completion pairs; A/B questions need answer labels like \"(A)\"");
        return dataset.Pairs.Select(ToAbQuestion).ToList();
    }

    /// <summary>The prompt up to and including the label's opening "(", so the model's next token is the letter, and
    /// the ids of the matching and the other letter as that next token. Throws when a letter is not one token of its
    /// own after "(" (then next-token logits cannot score it).</summary>
    public AbQuestion ToAbQuestion(ContrastivePair pair)
    {
        if (pair.Kind != PairKind.AnswerChoice || !AnswerLabel.IsValid(pair.Positive) || !AnswerLabel.IsValid(pair.Negative))
            throw new ArgumentException($"not an A/B pair with answer labels like \"(A)\": {Quote(pair.Positive)} / {Quote(pair.Negative)}");
        string prompt = PromptText(pair) + AnswerLabel.Opening(pair.Positive);
        var promptIds = tokenizer.Encode(prompt, AddBos);
        return new AbQuestion(promptIds, LetterToken(prompt, promptIds, pair.Positive), LetterToken(prompt, promptIds, pair.Negative));
    }

    int LetterToken(string prompt, IReadOnlyList<int> promptIds, string label)
    {
        char letter = AnswerLabel.Letter(label);
        var ids = tokenizer.Encode(prompt + letter, AddBos);
        if (ids.Count != promptIds.Count + 1 || CommonPrefixLength(promptIds, ids) != promptIds.Count)
        {
            string tail = string.Join(", ", ids.Skip(Math.Max(0, promptIds.Count - 2)).Select(id => $"{id} {Quote(tokenizer.Decode([id]))}"));
            throw new InvalidOperationException($"this tokenizer does not encode the answer letter '{letter}' after \"{AnswerLabel.Opening(label)}\" " +
                $"as one token of its own (the text ends in tokens {tail}); A/B questions are scored by the letter's next-token logit");
        }
        return ids[^1];
    }

    static int CommonPrefixLength(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int n = Math.Min(a.Count, b.Count), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    static string Quote(string text) => text.Length <= 60 ? $"\"{text}\"" : $"\"{text[..57]}…\"";
}
