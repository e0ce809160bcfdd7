using TorchSharp;
using static TorchSharp.torch;

namespace SteerLab.Engine.Models;

/// <summary>Loads a model from a local Hugging Face directory (or a Hugging Face cache folder
/// <c>models--org--name</c>, resolved to its snapshot).</summary>
public static class ModelLoader
{
    public static TransformerModel Load(string directory, ScalarType weightType = ScalarType.Float32, Device? device = null)
    {
        string resolved = ModelDirectory.Resolve(directory);
        var config = ModelConfig.Load(Path.Combine(resolved, "config.json"));
        device ??= CPU;
        var checkpoint = CheckpointWeights.Open(resolved);
        try
        {
            return config.Architecture switch
            {
                Architecture.Llama => Llama.Load(config, checkpoint, weightType, device),
                Architecture.Gemma2 => Gemma2.Load(config, checkpoint, weightType, device),
                Architecture.Gpt2 => Gpt2.Load(config, checkpoint, weightType, device),
                _ => throw new ModelConfigException($"{resolved}: unsupported architecture {config.Architecture}"),
            };
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }
}
