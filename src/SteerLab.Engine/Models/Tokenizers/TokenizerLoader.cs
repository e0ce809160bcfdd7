namespace SteerLab.Engine.Models.Tokenizers;

/// <summary>Finds a model directory's tokenizer.</summary>
public static class TokenizerLoader
{
    /// <summary>The tokenizer in <paramref name="modelDirectory"/>, trying tokenizer.json, then tokenizer.model, then
    /// vocab.json + merges.txt, with tokenizer_config.json / generation_config.json when present. Null when there is
    /// none: models still run on token ids.</summary>
    /// <exception cref="TokenizerFormatException">A tokenizer file is present but malformed or unsupported.</exception>
    public static ITextTokenizer? Load(string modelDirectory)
    {
        string json = Path.Combine(modelDirectory, HuggingFaceBpeTokenizer.FileName);
        string sentencePiece = Path.Combine(modelDirectory, SentencePieceTokenizer.FileName);
        string vocab = Path.Combine(modelDirectory, Gpt2BpeTokenizer.VocabFileName);
        string merges = Path.Combine(modelDirectory, Gpt2BpeTokenizer.MergesFileName);
        bool hasGpt2Files = File.Exists(vocab) && File.Exists(merges);
        if (!File.Exists(json) && !File.Exists(sentencePiece) && !hasGpt2Files) return null;

        var config = TokenizerConfig.Read(modelDirectory);
        if (File.Exists(json)) return HuggingFaceBpeTokenizer.Load(json, config);
        if (File.Exists(sentencePiece)) return SentencePieceTokenizer.Load(sentencePiece, config);
        return Gpt2BpeTokenizer.Load(vocab, merges, config);
    }
}
