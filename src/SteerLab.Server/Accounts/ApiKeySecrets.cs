using System.Security.Cryptography;
using System.Text;

namespace SteerLab.Server.Accounts;

/// <summary>API key and invitation secrets: 32 random bytes (256 bits) as URL-safe base64 behind a readable marker.
/// With that much randomness a single SHA-256 is the right stored form: a slow password hash defends guessable
/// secrets, and these are not guessable.</summary>
public static class ApiKeySecrets
{
    public const string KeyMarker = "slk_";
    /// <summary>Characters of a key kept in the clear (marker + 8), to list the key and find its row.</summary>
    public const int PrefixLength = 12;

    public static string NewSecret(string marker = KeyMarker) =>
        marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string PrefixOf(string secret) => secret.Length <= PrefixLength ? secret : secret[..PrefixLength];

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares digests in constant time, so the comparison's duration says nothing about the secret.</summary>
    public static bool SameSecret(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    public static bool SameHash(string expectedHexHash, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expectedHexHash), Encoding.ASCII.GetBytes(Hash(presented)));
}
