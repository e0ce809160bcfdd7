namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>A model's tokenizer: text to token ids and back. Implementations: <see cref="SentencePieceTokenizer"/>
/// (tokenizer.model), <see cref="Gpt2BpeTokenizer"/> (vocab.json + merges.txt) and <see cref="HuggingFaceBpeTokenizer"/>
/// (tokenizer.json); <see cref="TokenizerLoader"/> picks one for a model directory.</summary>
public interface ITextTokenizer
{
    /// <summary>The id <see cref="Encode"/> puts first when asked to; null when the model is used without one.</summary>
    int? BosId { get; }

    /// <summary>The end-of-sequence id; null when the tokenizer declares none.</summary>
    int? EosId { get; }

    /// <summary>Extra ids that end generation (e.g. &lt;end_of_turn&gt;, &lt;|eot_id|&gt;), besides <see cref="EosId"/>.</summary>
    IReadOnlyList<int> StopIds { get; }

    /// <summary>Token ids of <paramref name="text"/>; special tokens written in the text (e.g. "&lt;start_of_turn&gt;")
    /// become their ids. With <paramref name="addBos"/>, <see cref="BosId"/> (if any) comes first, also for "".</summary>
    IReadOnlyList<int> Encode(string text, bool addBos);

    /// <summary>The text of <paramref name="ids"/>, skipping BOS/EOS/padding special ids. Ids the tokenizer does not know
    /// decode to nothing (a model's embedding table may be larger than its vocabulary).</summary>
    string Decode(IReadOnlyList<int> ids);
}
