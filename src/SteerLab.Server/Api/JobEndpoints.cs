using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Server.Accounts;
using SteerLab.Server.Jobs;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Jobs;

namespace SteerLab.Server.Api;

/// <summary><c>/api/jobs</c>: list, create (validated by the job's kind, then queued), read, cancel.</summary>
public static class JobEndpoints
{
    public const int MaxListed = 200;

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapGet("/", ListAsync);
        jobs.MapPost("/", CreateAsync);
        jobs.MapGet("/{id:guid}", GetAsync);
        jobs.MapPost("/{id:guid}/cancel", CancelAsync);
        return endpoints;
    }

    static async Task<Results<Ok<JobView[]>, ValidationProblem>> ListAsync(JobStore store, TeamScope scope, CancellationToken cancellation, JobState? state = null, int take = 50)
    {
        if (take is < 1 or > MaxListed)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = [$"must be between 1 and {MaxListed}"] });
        var list = await store.ListAsync(await scope.TeamIdAsync(cancellation), state, take, cancellation);
        return TypedResults.Ok(list.Select(JobViews.ToView).ToArray());
    }

    static async Task<Results<Created<JobView>, ValidationProblem>> CreateAsync(CreateJobRequest request, JobKindCatalog kinds, JobStore store, JobWakeup wakeup, TeamScope scope, CancellationToken cancellation)
    {
        var caller = await scope.RequireAsync(TeamRoles.Editor, cancellation);
        if (kinds.Find(request.Kind) is not { } kind)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["kind"] = [$"unknown job kind '{request.Kind}'; known kinds: {string.Join(", ", kinds.Names)}"],
            });
        var validation = kind.Validate(request.Parameters);
        if (!validation.IsValid) return TypedResults.ValidationProblem(validation.Errors);
        var job = await store.CreateAsync(kind.Name, validation.ParametersJson!, validation.Model, caller.TeamId, cancellation);
        wakeup.Signal();
        return TypedResults.Created($"/api/jobs/{job.Id}", job.ToView());
    }

    static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetAsync(Guid id, JobStore store, TeamScope scope, CancellationToken cancellation) =>
        await store.FindInTeamAsync(id, await scope.TeamIdAsync(cancellation), cancellation) is { } job ? TypedResults.Ok(job.ToView()) : NoSuchJob(id);

    static async Task<Results<Accepted<JobView>, ProblemHttpResult, Conflict<JobView>>> CancelAsync(Guid id, JobStore store, TeamScope scope, CancellationToken cancellation)
    {
        var caller = await scope.GetAsync(cancellation);
        if (!caller.Can(TeamRoles.Editor) && await store.FindInTeamAsync(id, caller.TeamId, cancellation) is not null)
            await scope.RequireAsync(TeamRoles.Editor, cancellation); // 403 for the team's own job; another team's is 404
        var outcome = await store.RequestCancelAsync(id, cancellation, caller.TeamId);
        return outcome.Kind switch
        {
            CancelOutcomeKind.Accepted => TypedResults.Accepted($"/api/jobs/{id}", outcome.Job!.ToView()),
            CancelOutcomeKind.AlreadyFinished => TypedResults.Conflict(outcome.Job!.ToView()),
            _ => NoSuchJob(id),
        };
    }

    /// <summary>A 404 with a body, so the API answers in JSON rather than with the HTML not-found page.</summary>
    static ProblemHttpResult NoSuchJob(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job", detail: $"there is no job {id}");
}
