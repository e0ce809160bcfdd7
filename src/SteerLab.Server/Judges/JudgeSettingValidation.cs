using System.Globalization;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Judges;

/// <summary>What a judge setting must be, field by field (names as the REST API's JSON spells them), before it is
/// saved. Uniqueness of the name within the team needs the database and is checked by <see cref="JudgeSettingsService"/>.</summary>
public static class JudgeSettingValidation
{
    public const int MaxNameLength = 100;
    public const int MaxBaseUrlLength = 500;
    public const int MaxModelLength = 200;
    public const int MaxApiKeyLength = 4096;
    public const double MaxTemperature = 2;

    /// <summary>The request with its texts trimmed (a pasted key often ends in a newline), and its problems by field.</summary>
    public static (JudgeSettingRequest Cleaned, FieldErrors Errors) Check(JudgeSettingRequest request)
    {
        var errors = new FieldErrors();

        string name = request.Name?.Trim() ?? "";
        string baseUrl = request.BaseUrl?.Trim() ?? "";
        string model = request.Model?.Trim() ?? "";
        string? apiKey = request.ApiKey;

        if (name.Length == 0) errors.Add("name", "give the judge a name");
        else if (name.Length > MaxNameLength) errors.Add("name", $"is {name.Length} characters long; at most {MaxNameLength}");

        if (baseUrl.Length == 0) errors.Add("baseUrl", "give the endpoint's base URL, e.g. https://api.openai.com/v1");
        else if (baseUrl.Length > MaxBaseUrlLength) errors.Add("baseUrl", $"is {baseUrl.Length} characters long; at most {MaxBaseUrlLength}");
        else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            errors.Add("baseUrl", "must be an absolute http or https URL, e.g. https://api.openai.com/v1");
        else if (uri.UserInfo.Length > 0) errors.Add("baseUrl", "must not contain a user name or password; put the key in the API key field");

        if (model.Length == 0) errors.Add("model", "name the model the endpoint should use, e.g. gpt-4o-mini");
        else if (model.Length > MaxModelLength) errors.Add("model", $"is {model.Length} characters long; at most {MaxModelLength}");

        // null keeps the stored key and "" removes it; anything else is a new key.
        if (apiKey is { Length: > 0 })
        {
            apiKey = apiKey.Trim();
            if (apiKey.Length == 0) errors.Add("apiKey", "is blank; leave it out to keep the stored key, or send an empty string to remove it");
            else if (apiKey.Length > MaxApiKeyLength) errors.Add("apiKey", $"is longer than {MaxApiKeyLength} characters");
            else if (apiKey.Any(char.IsControl)) errors.Add("apiKey", "contains control characters");
        }

        if (request.MaxConcurrency is < 1 or > JudgeSettingRequest.MaxMaxConcurrency)
            errors.Add("maxConcurrency", $"must be between 1 and {JudgeSettingRequest.MaxMaxConcurrency}, not {request.MaxConcurrency}");
        if (request.TimeoutSeconds is < 1 or > JudgeSettingRequest.MaxTimeoutSeconds)
            errors.Add("timeoutSeconds", $"must be between 1 and {JudgeSettingRequest.MaxTimeoutSeconds}, not {request.TimeoutSeconds}");
        if (request.MaxRetries is < 0 or > JudgeSettingRequest.MaxMaxRetries)
            errors.Add("maxRetries", $"must be between 0 and {JudgeSettingRequest.MaxMaxRetries}, not {request.MaxRetries}");
        if (!double.IsFinite(request.Temperature) || request.Temperature is < 0 or > MaxTemperature)
            errors.Add("temperature", string.Create(CultureInfo.InvariantCulture, $"must be between 0 and {MaxTemperature}, not {request.Temperature}"));

        return (request with { Name = name, BaseUrl = baseUrl, Model = model, ApiKey = apiKey }, errors);
    }
}
