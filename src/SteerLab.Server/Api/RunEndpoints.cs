using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Server.Runs;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Api;

/// <summary><c>/api/runs</c>: evaluation runs (DESIGN §6) — list, start (400 with errors by field; 429 when the team's job
/// queue is full), read with results and provenance, re-run, cancel, page through an open-ended run's answers, export
/// (CSV or JSON file), blind review (next item, submit a score) and judge–human agreement. Another team's run is 404;
/// a role too low for the action is 403.</summary>
public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var runs = endpoints.MapGroup("/api/runs").WithTags("Runs");
        runs.MapGet("/", ListAsync);
        runs.MapPost("/", StartAsync);
        runs.MapGet("/{id:guid}", GetAsync);
        runs.MapPost("/{id:guid}/rerun", RerunAsync);
        runs.MapPost("/{id:guid}/cancel", CancelAsync);
        runs.MapGet("/{id:guid}/answers", AnswersAsync);
        runs.MapGet("/{id:guid}/export", ExportAsync);
        runs.MapGet("/{id:guid}/review/next", NextReviewItemAsync);
        runs.MapPost("/{id:guid}/reviews", SubmitReviewAsync);
        runs.MapGet("/{id:guid}/agreement", AgreementAsync);
        return endpoints;
    }

    static async Task<Ok<IReadOnlyList<RunSummary>>> ListAsync(IRunService runs, CancellationToken cancellation) =>
        TypedResults.Ok(await runs.ListAsync(cancellation));

    static async Task<Results<Created<RunSummary>, ValidationProblem>> StartAsync(RunRequest request, IRunService runs, CancellationToken cancellation)
    {
        var start = await runs.StartAsync(request, cancellation);
        return start.Run is { } run ? TypedResults.Created($"/api/runs/{run.Id}", run) : TypedResults.ValidationProblem(start.Errors);
    }

    static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetAsync(Guid id, IRunService runs, CancellationToken cancellation) =>
        await runs.GetAsync(id, cancellation) is { } view ? TypedResults.Ok(view) : NoSuchRun(id);

    static async Task<Results<Created<RunSummary>, ValidationProblem, ProblemHttpResult>> RerunAsync(Guid id, RunService runs, CancellationToken cancellation)
    {
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        var start = await runs.RerunAsync(id, cancellation);
        return start.Run is { } run ? TypedResults.Created($"/api/runs/{run.Id}", run) : TypedResults.ValidationProblem(start.Errors);
    }

    /// <summary>202 with the run when its job or judging was asked to stop; 409 when it had already ended.</summary>
    static async Task<Results<Accepted<RunSummary>, Conflict<RunSummary>, ProblemHttpResult>> CancelAsync(Guid id, RunService runs, CancellationToken cancellation)
    {
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        bool stopping = await runs.CancelAsync(id, cancellation);
        if (await runs.GetAsync(id, cancellation) is not { } view) return NoSuchRun(id);
        return stopping ? TypedResults.Accepted($"/api/runs/{id}", view.Summary) : TypedResults.Conflict(view.Summary);
    }

    static async Task<Results<Ok<IReadOnlyList<RunAnswerView>>, ValidationProblem, ProblemHttpResult>> AnswersAsync(
        Guid id, RunService runs, CancellationToken cancellation, int skip = 0, int take = 200)
    {
        var problems = new Dictionary<string, string[]>();
        if (skip < 0) problems["skip"] = ["must not be negative"];
        if (take is < 1 or > RunAnswerRows.MaxTake) problems["take"] = [$"must be between 1 and {RunAnswerRows.MaxTake}"];
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        return TypedResults.Ok(await runs.AnswersAsync(id, skip, take, cancellation));
    }

    static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ExportAsync(
        Guid id, IRunService runs, CancellationToken cancellation, string format = RunExports.Json)
    {
        if (!RunExports.Formats.Contains(format.Trim().ToLowerInvariant()))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [$"must be {string.Join(" or ", RunExports.Formats)}, not '{format}'"] });
        return await runs.ExportAsync(id, format, cancellation) is { } export
            ? TypedResults.File(export.Content, export.ContentType, export.FileName)
            : NoSuchRun(id);
    }

    /// <summary>200 with the next answer to score blind; 204 when the caller has scored everything.</summary>
    static async Task<Results<Ok<ReviewItem>, NoContent, ProblemHttpResult>> NextReviewItemAsync(Guid id, RunService runs, CancellationToken cancellation)
    {
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        return await runs.NextReviewItemAsync(id, cancellation) is { } item ? TypedResults.Ok(item) : TypedResults.NoContent();
    }

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SubmitReviewAsync(Guid id, ReviewScoreRequest review, RunService runs,
        CancellationToken cancellation)
    {
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        var errors = await runs.SubmitReviewAsync(id, review, cancellation);
        return errors.Count == 0 ? TypedResults.NoContent() : TypedResults.ValidationProblem(errors);
    }

    static async Task<Results<Ok<AgreementView>, ProblemHttpResult>> AgreementAsync(Guid id, RunService runs, CancellationToken cancellation)
    {
        if (!await runs.ExistsAsync(id, cancellation)) return NoSuchRun(id);
        return await runs.AgreementAsync(id, cancellation) is { } agreement
            ? TypedResults.Ok(agreement)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No agreement", detail: $"run {id} is not an open-ended run: it has no judged answers to review");
    }

    /// <summary>A 404 with a body, so the API answers in JSON rather than with the HTML not-found page.</summary>
    static ProblemHttpResult NoSuchRun(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such run", detail: $"there is no run {id}");
}
