using System.Text.Json;
using SteerLab.Engine.Worker;

namespace SteerLab.Server.Jobs;

/// <summary>The first step of every job kind's <see cref="IJobKind.Validate"/>: the parameters as a JSON object of the
/// kind's record.</summary>
static class JobParameters
{
    /// <summary>The parameters as <typeparamref name="T"/>, or the refusal to return (under "parameters").</summary>
    public static (T? Parameters, JobKindValidation? Refusal) Parse<T>(JsonElement parameters) where T : class
    {
        if (parameters.ValueKind != JsonValueKind.Object) return (null, JobKindValidation.Refused("parameters", "the parameters must be a JSON object"));
        T? parsed;
        try { parsed = parameters.Deserialize<T>(EngineJobJson.Options); }
        catch (JsonException e) { return (null, JobKindValidation.Refused("parameters", e.Message)); }
        return parsed is null ? (null, JobKindValidation.Refused("parameters", "the parameters must be a JSON object")) : (parsed, null);
    }
}
