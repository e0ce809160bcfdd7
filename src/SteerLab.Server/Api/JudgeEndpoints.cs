using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Server.Judges;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Api;

/// <summary><c>/api/judges</c>: the team's OpenAI-compatible judges — list (any member), create, change, delete and test
/// (editors). The API key is write-only: views say whether one is set. Another team's judge is 404.</summary>
public static class JudgeEndpoints
{
    public static IEndpointRouteBuilder MapJudgeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var judges = endpoints.MapGroup("/api/judges").WithTags("Judges");
        judges.MapGet("/", ListAsync);
        judges.MapPost("/", CreateAsync);
        judges.MapPut("/{id:guid}", UpdateAsync);
        judges.MapDelete("/{id:guid}", DeleteAsync);
        judges.MapPost("/{id:guid}/test", TestAsync);
        return endpoints;
    }

    static async Task<Ok<IReadOnlyList<JudgeSettingView>>> ListAsync(IJudgeSettingsService judges, CancellationToken cancellation) =>
        TypedResults.Ok(await judges.ListAsync(cancellation));

    static async Task<Results<Created<JudgeSettingView>, ValidationProblem>> CreateAsync(JudgeSettingRequest request, IJudgeSettingsService judges,
        CancellationToken cancellation)
    {
        var save = await judges.SaveAsync(request with { Id = null }, cancellation);
        return save.Judge is { } judge ? TypedResults.Created($"/api/judges/{judge.Id}", judge) : TypedResults.ValidationProblem(save.Errors);
    }

    static async Task<Results<Ok<JudgeSettingView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, JudgeSettingRequest request,
        IJudgeSettingsService judges, CancellationToken cancellation)
    {
        var save = await judges.SaveAsync(request with { Id = id }, cancellation);
        if (save.Judge is { } judge) return TypedResults.Ok(judge);
        return save.Errors.ContainsKey(JudgeSettingsService.NotFoundField) ? NoSuchJudge(id) : TypedResults.ValidationProblem(save.Errors);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, IJudgeSettingsService judges, CancellationToken cancellation) =>
        await judges.DeleteAsync(id, cancellation) ? TypedResults.NoContent() : NoSuchJudge(id);

    /// <summary>Scores a fixed sample answer once; 200 whatever the judge answered (the status says how it went).</summary>
    static async Task<Results<Ok<JudgeTestResult>, ProblemHttpResult>> TestAsync(Guid id, IJudgeSettingsService judges, CancellationToken cancellation) =>
        await judges.TestAsync(id, cancellation) is { } result ? TypedResults.Ok(result) : NoSuchJudge(id);

    /// <summary>A 404 with a body, so the API answers in JSON rather than with the HTML not-found page.</summary>
    static ProblemHttpResult NoSuchJudge(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such judge", detail: $"there is no judge {id}");
}
