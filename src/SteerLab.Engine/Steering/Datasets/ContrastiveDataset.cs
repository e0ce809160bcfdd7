using System.Security.Cryptography;
using System.Text;

namespace SteerLab.Engine.Steering.Datasets;

/// <summary>A named list of contrastive pairs of one kind, versioned by <see cref="ContentHash"/>: the SHA-256 of
/// a canonical serialisation of the kind and the pairs in order (not of the file), so the same pairs hash the
/// same whether they came from JSON, JSONL or CSV, however indented or escaped. The name is not part of it.</summary>
public sealed class ContrastiveDataset
{
    public string Name { get; }
    public PairKind Kind { get; }
    public IReadOnlyList<ContrastivePair> Pairs { get; }
    /// <summary>Lower-case hex SHA-256 (64 characters).</summary>
    public string ContentHash { get; }

    public ContrastiveDataset(string name, IReadOnlyList<ContrastivePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("a dataset needs at least one pair", nameof(pairs));
        Kind = pairs[0].Kind;
        for (int i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i] ?? throw new ArgumentException($"pair {i} is null", nameof(pairs));
            if (pair.Kind != Kind) throw new ArgumentException($"pair {i} is {pair.Kind}, pair 0 is {Kind}: one dataset holds one kind", nameof(pairs));
            if (pair.Prompt is null || pair.Positive is null || pair.Negative is null) throw new ArgumentException($"pair {i} has a null text", nameof(pairs));
        }
        Name = name;
        Pairs = pairs.ToArray();
        ContentHash = HashOf(Kind, Pairs);
    }

    public DatasetReference Reference => new(Name, ContentHash, Pairs.Count);

    /// <summary>Version tag + kind + for each pair its three texts, each as (UTF-8 byte count, bytes): length
    /// prefixes make the encoding unambiguous whatever the texts contain.</summary>
    static string HashOf(PairKind kind, IReadOnlyList<ContrastivePair> pairs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "steerlab.dataset/1");
        Append(hash, kind == PairKind.AnswerChoice ? "answer_choice" : "completion");
        foreach (var pair in pairs)
        {
            Append(hash, pair.Prompt);
            Append(hash, pair.Positive);
            Append(hash, pair.Negative);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static void Append(IncrementalHash hash, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (long)bytes.Length);
        if (!BitConverter.IsLittleEndian) length.Reverse();
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
