using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace SteerLab.Server.Judges;

/// <summary>Judges' API keys at rest: ASP.NET Data Protection cipher text under one purpose, with keys in the database
/// (every server instance reads what another wrote). The clear key exists only on its way to the OpenAI client.</summary>
public sealed class JudgeApiKeys(IDataProtectionProvider protection)
{
    public const string Purpose = "SteerLab.Server.Judges.ApiKey";

    readonly IDataProtector protector = protection.CreateProtector(Purpose);

    public string Protect(string apiKey) => protector.Protect(apiKey);

    /// <exception cref="JudgeApiKeyUnreadableException">The cipher text cannot be read (the Data Protection keys were
    /// lost or replaced, or the row was altered).</exception>
    public string Unprotect(string protectedApiKey, string judgeName)
    {
        try { return protector.Unprotect(protectedApiKey); }
        catch (CryptographicException)
        {
            throw new JudgeApiKeyUnreadableException(
                $"the API key of judge \"{judgeName}\" cannot be read (the server's Data Protection keys changed?); enter the key again in the judge's settings");
        }
    }
}

/// <summary>A judge's stored key cannot be decrypted; the message says what to do, and contains no key material.</summary>
public sealed class JudgeApiKeyUnreadableException(string message) : Exception(message);
