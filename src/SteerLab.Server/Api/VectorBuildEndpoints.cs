using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Shared.Jobs;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Api;

/// <summary><c>POST /api/vectors/build</c>: build a vector from a saved dataset as a job. Answers 202 with the queued
/// job (follow it at /api/jobs/{id}; its result names the stored vector), or 400 with errors by field.</summary>
public static class VectorBuildEndpoints
{
    public static IEndpointRouteBuilder MapVectorBuildEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/vectors/build", BuildAsync).WithTags("Vectors");
        return endpoints;
    }

    static async Task<Results<Accepted<JobView>, ValidationProblem>> BuildAsync(VectorBuildRequest request, IVectorBuildService builds, CancellationToken cancellation)
    {
        var start = await builds.StartAsync(request, cancellation);
        return start.Job is { } job
            ? TypedResults.Accepted($"/api/jobs/{job.Id}", job)
            : TypedResults.ValidationProblem(start.Errors);
    }
}
