using System.Text.Json;
using SteerLab.Server.Data;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Api;

/// <summary>Jobs as the API shows them: parameters and result as JSON objects, not strings.</summary>
public static class JobViews
{
    public static JobView ToView(this Job job) => new(
        job.Id, job.Kind, job.Model, job.State, job.Progress, job.Message, job.Error, job.Attempts, job.WorkerId,
        job.CancelRequested, job.CreatedAt, job.StartedAt, job.FinishedAt,
        Parse(job.ParametersJson), job.ResultJson is null ? null : Parse(job.ResultJson));

    static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
