using System.Text.Json;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Safetensors;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation.Benchmarks;

/// <summary>Writes a random GPT-2 model as a Hugging Face folder (config.json + model.safetensors, float32),
/// holding exactly the weights <see cref="RandomModels.Gpt2Tensors"/> builds in memory for the same seed.</summary>
public static class RandomCheckpoint
{
    /// <returns>bytes of tensor data written</returns>
    public static long WriteGpt2(string directory, ModelConfig config, ulong seed = 1)
    {
        if (config.Architecture != Architecture.Gpt2) throw new ArgumentException($"expected a GPT-2 config, not {config.Architecture}");
        Directory.CreateDirectory(directory);
        var hfConfig = new Dictionary<string, object>
        {
            ["architectures"] = new[] { "GPT2LMHeadModel" },
            ["model_type"] = "gpt2",
            ["n_embd"] = config.DModel,
            ["n_layer"] = config.LayerCount,
            ["n_head"] = config.HeadCount,
            ["n_inner"] = config.FeedForwardDim,
            ["vocab_size"] = config.VocabSize,
            ["n_positions"] = config.MaxPositions,
            ["layer_norm_epsilon"] = config.NormEps,
            ["tie_word_embeddings"] = true,
        };
        File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(hfConfig));

        var tensors = RandomModels.Gpt2Tensors(config, ScalarType.Float32, seed);
        try
        {
            SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors);
            return tensors.Sum(pair => pair.Value.NumberOfElements * pair.Value.ElementSize);
        }
        finally
        {
            foreach (var (_, tensor) in tensors) tensor.Dispose();
        }
    }
}
