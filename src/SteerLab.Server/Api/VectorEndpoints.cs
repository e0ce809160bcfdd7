using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Api;

/// <summary><c>/api/vectors</c>: list (filtered), read, import a steerlab.vector/1 document, export it, delete.</summary>
public static class VectorEndpoints
{
    public static IEndpointRouteBuilder MapVectorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var vectors = endpoints.MapGroup("/api/vectors").WithTags("Vectors");
        vectors.MapGet("/", ListAsync);
        vectors.MapGet("/{id:guid}", GetAsync);
        vectors.MapPost("/import", ImportAsync);
        vectors.MapGet("/{id:guid}/export", ExportAsync);
        vectors.MapDelete("/{id:guid}", DeleteAsync);
        return endpoints;
    }

    /// <summary><c>?method=sas&amp;method=caa&amp;model=…&amp;hook=…&amp;q=…&amp;take=…</c>; <c>method</c> may repeat.</summary>
    static async Task<Results<Ok<IReadOnlyList<VectorSummary>>, ValidationProblem>> ListAsync(IVectorService library, CancellationToken cancellation,
        string[]? method = null, string? model = null, string? hook = null, string? q = null, int take = VectorQuery.DefaultTake)
    {
        var errors = new Dictionary<string, string[]>();
        if (method?.FirstOrDefault(m => !VectorMethods.IsKnown(m)) is { } unknown)
            errors["method"] = [$"unknown method '{unknown}'; known methods: {string.Join(", ", VectorMethods.All)}"];
        if (take is < 1 or > VectorQuery.MaxTake) errors["take"] = [$"must be between 1 and {VectorQuery.MaxTake}"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await library.ListAsync(new VectorQuery(method, model, hook, q, take), cancellation));
    }

    static async Task<Results<Ok<VectorDetail>, ProblemHttpResult, ValidationProblem>> GetAsync(Guid id, IVectorService library, CancellationToken cancellation,
        int top = VectorDetail.DefaultTopEntries)
    {
        if (top is < 0 or > VectorDetail.MaxTopEntries)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"must be between 0 and {VectorDetail.MaxTopEntries}"] });
        return await library.GetAsync(id, top, cancellation) is { } detail ? TypedResults.Ok(detail) : NoSuchVector(id);
    }

    /// <summary>The body is the JSON document itself (Content-Type application/json, which also keeps plain cross-site
    /// forms out). 201 with the stored vector's summary; 200 when that very document is already stored; 422 listing
    /// every problem with its JSON path; 409 when another vector has the document's id; 413 past the size limit.</summary>
    static async Task<IResult> ImportAsync(HttpRequest request, IVectorService library, CancellationToken cancellation)
    {
        if (!IsJson(request.ContentType))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the vector document as JSON",
                detail: $"the request's Content-Type is '{request.ContentType}'; POST the steerlab.vector/1 document with Content-Type: application/json");
        long limit = library.MaxImportBytes;
        if (request.ContentLength > limit) return TooLarge(request.ContentLength.Value, limit);
        // Kestrel's default body limit (30 MB) is lower than the library's: this endpoint's own limit applies instead.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = limit;
        var body = await ReadBoundedAsync(request.Body, limit, cancellation);
        if (body is null) return TooLarge(null, limit);

        var result = await library.ImportAsync(body.Value, "request body", cancellation);
        return result.Outcome switch
        {
            VectorImportOutcome.Imported => TypedResults.Created($"/api/vectors/{result.Vector!.Id}", result.Vector),
            VectorImportOutcome.AlreadyPresent => TypedResults.Ok(result.Vector),
            VectorImportOutcome.Conflict => Refused(StatusCodes.Status409Conflict, "A different vector with this id exists", result),
            VectorImportOutcome.TooLarge => Refused(StatusCodes.Status413PayloadTooLarge, "The vector document is too large", result),
            _ => Refused(StatusCodes.Status422UnprocessableEntity, "The vector document is not valid", result),
        };
    }

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(Guid id, IVectorService library, CancellationToken cancellation)
    {
        if (await library.ExportAsync(id, cancellation) is not { } export) return NoSuchVector(id);
        return TypedResults.File(Encoding.UTF8.GetBytes(export.Json), "application/json", export.FileName);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, IVectorService library, CancellationToken cancellation) =>
        await library.DeleteAsync(id, cancellation) ? TypedResults.NoContent() : NoSuchVector(id);

    static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (never buffering more than limit + 1 bytes).</summary>
    static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    static ProblemHttpResult Refused(int status, string title, VectorImportResult result) => TypedResults.Problem(
        statusCode: status,
        title: title,
        detail: result.ProblemCount == 1 ? $"{result.Problems[0].Path}: {result.Problems[0].Message}"
            : $"{result.ProblemCount} problems" + (result.ProblemCount > result.Problems.Count ? $" (the first {result.Problems.Count} are listed)" : ""),
        extensions: new Dictionary<string, object?> { ["problems"] = result.Problems, ["problemCount"] = result.ProblemCount });

    static ProblemHttpResult TooLarge(long? length, long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The vector document is too large",
        detail: $"{(length is long n ? $"the document is {n:N0} bytes" : "the document is larger than the limit")}; the import limit is {limit:N0} bytes (SteerLab:Vectors:MaxImportBytes)");

    /// <summary>A 404 with a body, so the API answers in JSON rather than with the HTML not-found page.</summary>
    static ProblemHttpResult NoSuchVector(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such vector", detail: $"there is no vector {id}");
}
