using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Api;

/// <summary>Read-only shares of a vector. For the owning team (signed in or with a key): <c>GET /api/vectors/{id}/shares</c>,
/// <c>POST /api/vectors/{id}/shares</c> with <c>{"team": "name"}</c> (201 with the share) or <c>{"link": true}</c> (201 with
/// the link's path, shown once), <c>DELETE /api/vectors/shares/{shareId}</c> (revoke). For anyone holding a link, with no
/// sign-in: <c>GET /api/shared/vectors/{token}</c> (the vector's detail) and <c>…/export</c> (its document); an unknown or
/// revoked token is 404.</summary>
public static class VectorShareEndpoints
{
    /// <summary>The body of <c>POST /api/vectors/{id}/shares</c>: a team's name, or <c>link: true</c>.</summary>
    public sealed record ShareRequest(string? Team, bool Link = false);

    public static IEndpointRouteBuilder MapVectorShareEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var shares = endpoints.MapGroup("/api/vectors").WithTags("Vectors");
        shares.MapGet("/{id:guid}/shares", ListAsync);
        shares.MapPost("/{id:guid}/shares", ShareAsync);
        shares.MapDelete("/shares/{shareId:guid}", RevokeAsync);
        // The link is the credential: no account, no key. 256 random bits cannot be guessed; revoking ends it.
        var links = endpoints.MapGroup("/api/shared/vectors").WithTags("Vectors").AllowAnonymous();
        links.MapGet("/{token}", OpenAsync);
        links.MapGet("/{token}/export", ExportAsync);
        return endpoints;
    }

    static async Task<Results<Ok<IReadOnlyList<VectorShareView>>, ProblemHttpResult>> ListAsync(Guid id, IVectorShareService shares, CancellationToken cancellation) =>
        await shares.ListAsync(id, cancellation) is { } list ? TypedResults.Ok(list) : NoSuchVector(id);

    static async Task<Results<Created<VectorShareView>, Created<VectorShareLinkCreated>, ValidationProblem, ProblemHttpResult>> ShareAsync(
        Guid id, ShareRequest request, IVectorShareService shares, CancellationToken cancellation)
    {
        if (request.Link == !string.IsNullOrWhiteSpace(request.Team))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = ["give either a team's name or \"link\": true"] });
        try
        {
            if (request.Link)
            {
                var link = await shares.CreateLinkAsync(id, cancellation);
                return TypedResults.Created(link.Path, link);
            }
            var share = await shares.ShareWithTeamAsync(id, request.Team!, cancellation);
            return TypedResults.Created($"/api/vectors/{id}/shares", share);
        }
        catch (KeyNotFoundException) { return NoSuchVector(id); }
        catch (ArgumentException e) { return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = [e.Message] }); }
    }

    static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid shareId, IVectorShareService shares, CancellationToken cancellation) =>
        await shares.RevokeAsync(shareId, cancellation) ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such share", detail: $"there is no active share {shareId} of your team's vectors");

    static async Task<Results<Ok<VectorDetail>, ProblemHttpResult>> OpenAsync(string token, IVectorShareService shares, CancellationToken cancellation) =>
        await shares.OpenLinkAsync(token, VectorDetail.DefaultTopEntries, cancellation) is { } detail ? TypedResults.Ok(detail) : NoSuchLink();

    static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(string token, IVectorShareService shares, CancellationToken cancellation) =>
        await shares.ExportLinkAsync(token, cancellation) is { } export
            ? TypedResults.File(Encoding.UTF8.GetBytes(export.Json), "application/json", export.FileName)
            : NoSuchLink();

    static ProblemHttpResult NoSuchVector(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such vector", detail: $"there is no vector {id}");

    static ProblemHttpResult NoSuchLink() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such link",
        detail: "this link is not valid: it was revoked, or the vector was deleted");
}
