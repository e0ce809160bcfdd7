using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SteerLab.Server.Datasets;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Api;

/// <summary><c>/api/datasets</c>: list, check an upload without saving it, save an upload (multipart: file, name,
/// description), read with the first pairs, page through the pairs, rename / re-describe, delete.</summary>
public static class DatasetEndpoints
{
    /// <summary>Room in a request beyond the file itself: multipart framing, name and description.</summary>
    const long FormOverheadBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder endpoints)
    {
        long maxRequestBytes = endpoints.ServiceProvider.GetRequiredService<IOptions<DatasetOptions>>().Value.MaxUploadBytes + FormOverheadBytes;
        var datasets = endpoints.MapGroup("/api/datasets").WithTags("Datasets");
        datasets.MapGet("/", ListAsync);
        // Uploads come from programs with the file as multipart form data, not from the app's own pages (which call
        // the service directly), so there is no antiforgery token to check. The request size is bounded before the
        // form is read; the service bounds the file itself.
        datasets.MapPost("/validate", ValidateAsync).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(maxRequestBytes)).WithFormOptions(multipartBodyLengthLimit: maxRequestBytes);
        datasets.MapPost("/", CreateAsync).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(maxRequestBytes)).WithFormOptions(multipartBodyLengthLimit: maxRequestBytes);
        datasets.MapGet("/{id:guid}", GetAsync);
        datasets.MapGet("/{id:guid}/pairs", GetPairsAsync);
        datasets.MapPatch("/{id:guid}", UpdateAsync);
        datasets.MapDelete("/{id:guid}", DeleteAsync);
        return endpoints;
    }

    static async Task<Ok<IReadOnlyList<DatasetSummary>>> ListAsync(IDatasetService datasets, CancellationToken cancellation) =>
        TypedResults.Ok(await datasets.ListAsync(cancellation));

    static async Task<Results<Ok<DatasetValidationResult>, ValidationProblem>> ValidateAsync(IFormFile? file, IDatasetService datasets, CancellationToken cancellation)
    {
        if (file is null) return NoFile();
        await using var content = file.OpenReadStream();
        return TypedResults.Ok(await datasets.ValidateAsync(content, file.FileName, cancellation));
    }

    static async Task<Results<Created<DatasetSummary>, Ok<DatasetSummary>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        IFormFile? file, [FromForm] string? name, [FromForm] string? description, IDatasetService datasets, CancellationToken cancellation)
    {
        if (file is null) return NoFile();
        var problems = DatasetTexts.Problems(new DatasetEdit(string.IsNullOrWhiteSpace(name) ? null : name, description));
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        await using var content = file.OpenReadStream();
        var result = await datasets.SaveAsync(content, file.FileName, name, description, cancellation);
        return result.Outcome switch
        {
            DatasetSaveOutcome.Created => TypedResults.Created($"/api/datasets/{result.Dataset!.Id}", result.Dataset),
            // The same pairs are saved already: that dataset, not a copy (200, where a new one is 201).
            DatasetSaveOutcome.AlreadyExists => TypedResults.Ok(result.Dataset!),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The dataset file has problems; nothing was saved",
                detail: $"{file.FileName}: {result.Report.ProblemCount} problem{(result.Report.ProblemCount == 1 ? "" : "s")}",
                extensions: new Dictionary<string, object?> { ["report"] = result.Report }),
        };
    }

    static async Task<Results<Ok<DatasetDetail>, ProblemHttpResult>> GetAsync(Guid id, IDatasetService datasets, CancellationToken cancellation) =>
        await datasets.GetAsync(id, cancellation) is { } detail ? TypedResults.Ok(detail) : NoSuchDataset(id);

    static async Task<Results<Ok<DatasetPairPage>, ValidationProblem, ProblemHttpResult>> GetPairsAsync(
        Guid id, IDatasetService datasets, CancellationToken cancellation, int skip = 0, int take = 50)
    {
        var problems = new Dictionary<string, string[]>();
        if (skip < 0) problems["skip"] = ["must not be negative"];
        if (take is < 1 or > DatasetPairPage.MaxTake) problems["take"] = [$"must be between 1 and {DatasetPairPage.MaxTake}"];
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        return await datasets.GetPairsAsync(id, skip, take, cancellation) is { } page ? TypedResults.Ok(page) : NoSuchDataset(id);
    }

    static async Task<Results<Ok<DatasetSummary>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, DatasetEdit edit, IDatasetService datasets, CancellationToken cancellation)
    {
        var problems = DatasetTexts.Problems(edit);
        if (problems.Count > 0) return TypedResults.ValidationProblem(problems);
        return await datasets.UpdateAsync(id, edit, cancellation) is { } updated ? TypedResults.Ok(updated) : NoSuchDataset(id);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, IDatasetService datasets, CancellationToken cancellation) =>
        await datasets.DeleteAsync(id, cancellation) ? TypedResults.NoContent() : NoSuchDataset(id);

    static ValidationProblem NoFile() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["a dataset file is required (multipart form field \"file\")"] });

    /// <summary>A 404 with a body, so the API answers in JSON rather than with the HTML not-found page.</summary>
    static ProblemHttpResult NoSuchDataset(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dataset", detail: $"there is no dataset {id}");
}
