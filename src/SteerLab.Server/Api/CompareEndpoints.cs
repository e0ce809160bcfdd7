using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Shared.Compare;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Api;

/// <summary><c>POST /api/compare/overlap</c>: the overlap matrix of library vectors (200, or 400 naming the problem);
/// <c>POST /api/compare/sweep</c>: queue an A/B λ-sweep (202 with the job, followed at /api/jobs/{id}; 400 with errors
/// by field).</summary>
public static class CompareEndpoints
{
    /// <summary>The body of <c>POST /api/compare/overlap</c>.</summary>
    public sealed record OverlapRequest(IReadOnlyList<Guid> VectorIds, OverlapSupport Support = OverlapSupport.All);

    public static IEndpointRouteBuilder MapCompareEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/compare").WithTags("Compare");
        group.MapPost("/overlap", OverlapAsync);
        group.MapPost("/sweep", SweepAsync);
        return endpoints;
    }

    static async Task<Results<Ok<OverlapView>, ValidationProblem>> OverlapAsync(OverlapRequest request, ICompareService compare, CancellationToken cancellation)
    {
        try { return TypedResults.Ok(await compare.OverlapAsync(request.VectorIds ?? [], request.Support, cancellation)); }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["vectorIds"] = [e.Message] });
        }
    }

    static async Task<Results<Accepted<JobView>, ValidationProblem>> SweepAsync(SweepRequest request, ICompareService compare, CancellationToken cancellation)
    {
        var start = await compare.StartSweepAsync(request, cancellation);
        return start.Job is { } job ? TypedResults.Accepted($"/api/jobs/{job.Id}", job) : TypedResults.ValidationProblem(start.Errors);
    }
}
