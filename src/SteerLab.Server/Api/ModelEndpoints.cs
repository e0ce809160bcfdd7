using Microsoft.AspNetCore.Http.HttpResults;
using SteerLab.Shared.Models;

namespace SteerLab.Server.Api;

/// <summary><c>/api/models</c>: the model roots, the models and SAEs under them and what each engine holds; load and
/// unload on the in-process engine.</summary>
public static class ModelEndpoints
{
    /// <summary>The body of a load or unload: the model's name relative to a model root.</summary>
    public sealed record ModelActionRequest(string? Model);

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var models = endpoints.MapGroup("/api/models").WithTags("Models");
        models.MapGet("/", (IModelsService service, CancellationToken cancellation) => service.GetOverviewAsync(cancellation));
        models.MapPost("/load", async (ModelActionRequest request, IModelsService service, CancellationToken cancellation) =>
            await ActAsync(request, "Model not loaded", model => service.LoadAsync(model, cancellation)));
        models.MapPost("/unload", async (ModelActionRequest request, IModelsService service, CancellationToken cancellation) =>
            await ActAsync(request, "Model not unloaded", model => service.UnloadAsync(model, cancellation)));
        return endpoints;
    }

    static async Task<Results<Ok<ModelActionResult>, ValidationProblem, ProblemHttpResult>> ActAsync(
        ModelActionRequest request, string refusalTitle, Func<string, Task<ModelActionResult>> action)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["model"] = ["the model's name is required"] });
        var result = await action(request.Model);
        if (result.Succeeded) return TypedResults.Ok(result);
        int status = result.Problem switch
        {
            ModelActionProblem.NotFound => StatusCodes.Status404NotFound,
            ModelActionProblem.InUse => StatusCodes.Status409Conflict,
            ModelActionProblem.EngineOff => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return TypedResults.Problem(statusCode: status, title: refusalTitle, detail: result.Message);
    }
}
