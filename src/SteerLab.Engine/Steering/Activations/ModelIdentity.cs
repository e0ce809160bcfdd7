using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Activations;

/// <summary>An identity for a model folder that changes when anything the activations depend on changes, without
/// reading gigabytes of weights: SHA-256 over config.json's bytes, the name, size and modification time of each weight
/// and tokenizer file, and the type the weights are held in (float32 and bfloat16 give different activations).
/// Callers that know a model id and revision can use those instead.</summary>
public static class ModelIdentity
{
    static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

    public static string Of(string modelDirectory, ScalarType weightType)
    {
        string config = Path.Combine(modelDirectory, "config.json");
        if (!File.Exists(config)) throw new FileNotFoundException($"{modelDirectory}: no config.json", config);
        var text = new StringBuilder();
        text.Append("config.json sha256 ").Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(config)))).Append('\n');
        var files = Directory.EnumerateFiles(modelDirectory)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".safetensors.index.json", StringComparison.Ordinal)
                        || TokenizerFiles.Contains(Path.GetFileName(f)))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);
        foreach (string file in files)
        {
            var info = new FileInfo(file); // follows symbolic links (Hugging Face cache snapshots) for size and time
            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            text.Append(info.Name).Append(' ').Append(target.Length).Append(' ').Append(target.LastWriteTimeUtc.Ticks).Append('\n');
        }
        text.Append("weights ").Append(weightType);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
