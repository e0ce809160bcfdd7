using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Steering.Activations;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>A model with what goes with it: its folder, tokenizer (null when the folder has none), chat template and a
/// stable identity for caches (config and weight files, weight type).</summary>
public sealed class LoadedModel : IDisposable
{
    public required TransformerModel Model { get; init; }
    public required string Directory { get; init; }
    public required ITextTokenizer? Tokenizer { get; init; }
    public required ChatTemplate ChatTemplate { get; init; }
    /// <summary>SHA-256 over config.json, the weight and tokenizer files' names/sizes/times, and the weight type.</summary>
    public required string Identity { get; init; }
    /// <summary>A readable name: the folder name.</summary>
    public string Name => Path.GetFileName(Directory.TrimEnd(Path.DirectorySeparatorChar));

    public ITextTokenizer RequireTokenizer() =>
        Tokenizer ?? throw new ArgumentException($"{Directory} has no tokenizer (tokenizer.json, tokenizer.model or vocab.json + merges.txt)");

    public static LoadedModel Open(string directory, ScalarType weightType = ScalarType.Float32)
    {
        string resolved = ModelDirectory.Resolve(directory);
        var model = ModelLoader.Load(resolved, weightType);
        try
        {
            var tokenizer = TokenizerLoader.Load(resolved);
            var template = ChatTemplate.Detect(model.Config.ModelType, TokenizerConfig.Read(resolved).ChatTemplate);
            return new LoadedModel
            {
                Model = model, Directory = resolved, Tokenizer = tokenizer, ChatTemplate = template,
                Identity = ModelIdentity.Of(resolved, weightType),
            };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose() => Model.Dispose();
}
