using System.Text.Json;
using SteerLab.Engine.Models;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Engine.Worker;

namespace SteerLab.Server.Vectors;

/// <summary>What an imported vector is checked against when its model is one this server has: the model's d_model and
/// layer count, read from its config.json under the model roots. A vector for a model that is not here (built on a
/// GPU box, shared by a colleague) is still accepted; it is checked against itself only.</summary>
public sealed class ImportModelShapes(ModelRoots roots, ILogger<ImportModelShapes> logger)
{
    /// <summary>The context for the model a document names at <c>$.model.id</c>, or null when it names none this server
    /// has. Only looks the id up: validating the document is the engine reader's job, which is given this context so
    /// that a mismatch with the model is reported together with every other problem.</summary>
    public VectorImportContext? FindFor(ReadOnlySpan<byte> document) => ModelIdOf(document) is { } modelId ? Find(modelId) : null;

    /// <summary>The context for <paramref name="modelId"/>, or null when no such model is under the model roots.</summary>
    public VectorImportContext? Find(string modelId)
    {
        if (ModelRoots.CheckName(modelId) is not null || roots.Folders.Count == 0) return null;
        if (!roots.TryResolve(modelId, out string? folder, out _)) return null;
        try
        {
            var config = ModelConfig.Load(Path.Combine(folder!, "config.json"));
            return new VectorImportContext(ModelDModel: config.DModel, ModelLayerCount: config.LayerCount);
        }
        catch (Exception e) when (e is ModelConfigException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot check vectors against model '{Model}': {Problem}", modelId, e.Message);
            return null;
        }
    }

    /// <summary>The string at <c>$.model.id</c>, found by walking the top level without building a tree (the values
    /// array can be most of a large document); null when there is none or the JSON is malformed.</summary>
    static string? ModelIdOf(ReadOnlySpan<byte> document)
    {
        try
        {
            var reader = new Utf8JsonReader(document, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isModel = reader.ValueTextEquals("model");
                reader.Read();
                if (!isModel || reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isId = reader.ValueTextEquals("id");
                    reader.Read();
                    if (isId) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                return null;
            }
            return null;
        }
        catch (JsonException) { return null; }
    }
}
