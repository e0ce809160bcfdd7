using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering.Builders;
using SteerLab.Engine.Steering.Datasets;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>What cached activations depend on: the dataset's content, the model (weights, tokenizer and weight
/// type: see <see cref="ModelIdentity"/>), the hook point, the read position and the prompt layout
/// (<see cref="ContrastivePrompts.FormatName"/>). Two keys that are equal name the same activations.</summary>
public sealed record ActivationCacheKey(string DatasetHash, string ModelId, HookPoint Hook, ReadPosition Position, string PromptFormat)
{
    public const string Format = "steerlab.activations/1";

    public static ActivationCacheKey For(ContrastiveDataset dataset, string modelId, HookPoint hook, ReadPosition position, ContrastivePrompts prompts) =>
        new(dataset.ContentHash, modelId, hook, position, prompts.FormatName);

    /// <summary>The key as the strings stored in the cache file's metadata (and compared on every read).</summary>
    public IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["format"] = Format,
        ["dataset_hash"] = DatasetHash,
        ["model_id"] = ModelId,
        ["hook"] = Hook.Name,
        ["read_position"] = VectorParameters.Name(Position),
        ["prompt_format"] = PromptFormat,
    };

    /// <summary>File name: SHA-256 of the key's fields (JSON-encoded, so no two keys share a serialisation).</summary>
    public string FileName
    {
        get
        {
            string canonical = JsonSerializer.Serialize(Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value }));
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))) + ".safetensors";
        }
    }
}
