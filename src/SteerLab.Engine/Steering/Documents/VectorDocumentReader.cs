using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using SteerLab.Engine.Hooks;

namespace SteerLab.Engine.Steering.Documents;

/// <summary>What an import is checked against: the model the vector will be used with (when known) and the SAE's
/// width for sparse vectors (when known; otherwise the document's own <c>sae.width</c> is used).</summary>
public sealed record VectorImportContext(int? ModelDModel = null, int? ModelLayerCount = null, int? SaeWidth = null);

/// <summary>Reads and validates a <c>steerlab.vector/1</c> document, reporting every problem with its JSON path
/// (dims match the model, finite numbers, indices in range and increasing, known method, consistent norms…).</summary>
public static class VectorDocumentReader
{
    public const long MaxDocumentBytes = 256L * 1024 * 1024;
    const int MaxDepth = 16;

    public static SteeringVector Read(string path, VectorImportContext? context = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: file not found", path);
        if (info.Length > MaxDocumentBytes)
            throw new VectorImportException(path, [new("$", $"document is {info.Length} bytes; the limit is {MaxDocumentBytes}")]);
        return Parse(File.ReadAllBytes(path), path, context);
    }

    public static SteeringVector Parse(ReadOnlySpan<byte> json, string source, VectorImportContext? context = null)
    {
        if (json.Length > MaxDocumentBytes)
            throw new VectorImportException(source, [new("$", $"document is {json.Length} bytes; the limit is {MaxDocumentBytes}")]);
        // System.Text.Json checks UTF-8 only when a string or name is read, and then throws InvalidOperationException.
        if (!Utf8.IsValid(json))
            throw new VectorImportException(source, [new("$", "not valid JSON: the document is not valid UTF-8")]);
        JsonDocument document;
        try { document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e) { throw new VectorImportException(source, [new($"$ (line {e.LineNumber + 1})", $"not valid JSON: {e.Message}")]); }
        using (document)
        {
            var reader = new Validator(context ?? new VectorImportContext());
            var vector = reader.Read(document.RootElement);
            if (reader.Problems.Count > 0 || vector is null) throw new VectorImportException(source, reader.Problems);
            return vector;
        }
    }

    sealed class Validator(VectorImportContext context)
    {
        public List<VectorProblem> Problems { get; } = [];

        void Problem(string path, string message) => Problems.Add(new VectorProblem(path, message));

        public SteeringVector? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) { Problem("$", "the document must be a JSON object"); return null; }
            string? format = String(root, "$", "format");
            if (format is not null && format != VectorDocument.Format)
                Problem("$.format", $"unsupported format '{format}' (expected '{VectorDocument.Format}')");
            string id = String(root, "$", "id") ?? "";
            if (id.Length == 0 && root.TryGetProperty("id", out _)) Problem("$.id", "must not be empty");
            string name = String(root, "$", "name") ?? "";
            string description = String(root, "$", "description", optional: true) ?? "";
            string behaviour = String(root, "$", "behaviour", optional: true) ?? "";
            SteeringMethod? method = Method(root);
            var parameters = Parameters(root);
            var (modelId, revision, dModel) = Model(root);
            var hook = Hook(root);
            var sae = Sae(root);
            int? width = context.SaeWidth ?? sae?.Width;
            if (context.SaeWidth is int expected && sae is not null && sae.Width != expected)
                Problem("$.sae.width", $"{sae.Width} does not match the SAE's {expected} features");
            bool sparseForm = root.TryGetProperty("values", out var valuesElement) && valuesElement.ValueKind == JsonValueKind.Object;
            bool denseForm = valuesElement.ValueKind == JsonValueKind.Array;
            if (method is SteeringMethod.Sas && denseForm) Problem("$.values", "an SAS vector must be sparse ({\"indices\", \"values\"})");
            if (method is SteeringMethod.Caa or SteeringMethod.TopKEnr or SteeringMethod.SaeTs && sparseForm) Problem("$.values", $"a {VectorDocument.MethodName(method.Value)} vector must be a dense array");
            var (dense, sparse) = Values(root, dModel, width, method);
            var dataset = Dataset(root);
            var createdAt = CreatedAt(root);
            string createdBy = String(root, "$", "created_by", optional: true) ?? "";
            if (Problems.Count > 0 || method is null || hook is null || dModel is null) return null;
            var vector = new SteeringVector
            {
                Id = id, Name = name, Description = description, Behaviour = behaviour, Method = method.Value,
                Parameters = parameters, Hook = hook.Value, DModel = dModel.Value, Dense = dense, Sparse = sparse, Sae = sae,
                ModelId = modelId, ModelRevision = revision, Dataset = dataset, CreatedBy = createdBy, CreatedAt = createdAt,
            };
            Norms(root, vector);
            return Problems.Count > 0 ? null : vector;
        }

        string? String(JsonElement parent, string path, string key, bool optional = false)
        {
            if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (!optional) Problem($"{path}.{key}", "required");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String) { Problem($"{path}.{key}", $"must be a string, found {value.ValueKind}"); return null; }
            return value.GetString();
        }

        int? Integer(JsonElement parent, string path, string key, int min, bool optional = false)
        {
            if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (!optional) Problem($"{path}.{key}", "required");
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number)) { Problem($"{path}.{key}", $"must be an integer, found {value.GetRawText()}"); return null; }
            if (number < min) { Problem($"{path}.{key}", $"must be ≥ {min}, found {number}"); return null; }
            return number;
        }

        JsonElement? Object(JsonElement parent, string key, bool optional)
        {
            if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (!optional) Problem($"$.{key}", "required");
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object) { Problem($"$.{key}", "must be an object"); return null; }
            return value;
        }

        SteeringMethod? Method(JsonElement root)
        {
            string? text = String(root, "$", "method");
            SteeringMethod? method = text switch
            {
                "caa" => SteeringMethod.Caa,
                "topk_enr" => SteeringMethod.TopKEnr,
                "sas" => SteeringMethod.Sas,
                "sae_ts" => SteeringMethod.SaeTs,
                null => null,
                _ => null,
            };
            if (text is not null && method is null) Problem("$.method", $"unknown method '{text}' (caa, topk_enr, sas, sae_ts)");
            return method;
        }

        Dictionary<string, object> Parameters(JsonElement root)
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            if (Object(root, "parameters", optional: true) is not { } parameters) return result;
            foreach (var p in parameters.EnumerateObject())
            {
                string path = $"$.parameters.{p.Name}";
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.String: result[p.Name] = p.Value.GetString()!; break;
                    case JsonValueKind.True: result[p.Name] = true; break;
                    case JsonValueKind.False: result[p.Name] = false; break;
                    case JsonValueKind.Number when p.Value.TryGetInt64(out long integer): result[p.Name] = integer; break;
                    case JsonValueKind.Number:
                        double number = p.Value.GetDouble();
                        if (!double.IsFinite(number)) Problem(path, "must be finite");
                        result[p.Name] = number;
                        break;
                    default: Problem(path, "parameters must be strings, numbers or booleans"); break;
                }
            }
            return result;
        }

        (string Id, string? Revision, int? DModel) Model(JsonElement root)
        {
            if (Object(root, "model", optional: false) is not { } model) return ("", null, null);
            string id = String(model, "$.model", "id") ?? "";
            string? revision = String(model, "$.model", "revision", optional: true);
            int? dModel = Integer(model, "$.model", "d_model", min: 1);
            if (dModel is int d && context.ModelDModel is int expected && d != expected)
                Problem("$.model.d_model", $"{d} does not match the model's d_model {expected}");
            return (id, revision, dModel);
        }

        HookPoint? Hook(JsonElement root)
        {
            if (Object(root, "hook", optional: false) is not { } hook) return null;
            string? name = String(hook, "$.hook", "name");
            int? layer = Integer(hook, "$.hook", "layer", min: 0, optional: true);
            if (name is null) return null;
            if (!HookPoint.TryParse(name, out var point)) { Problem("$.hook.name", $"'{name}' is not a hook point (blocks.L.hook_resid_pre|hook_resid_post|hook_attn_out|hook_mlp_out)"); return null; }
            if (layer is int l && l != point.Layer) Problem("$.hook.layer", $"{l} disagrees with the hook name's layer {point.Layer}");
            if (context.ModelLayerCount is int count && point.Layer >= count) Problem("$.hook.name", $"layer {point.Layer} does not exist in a model with {count} layers");
            return point;
        }

        SaeReference? Sae(JsonElement root)
        {
            if (Object(root, "sae", optional: true) is not { } sae) return null;
            string release = String(sae, "$.sae", "release") ?? "";
            string id = String(sae, "$.sae", "id") ?? "";
            int? width = Integer(sae, "$.sae", "width", min: 1);
            string? sha = String(sae, "$.sae", "sha256", optional: true);
            return width is int w ? new SaeReference(release, id, w, sha) : null;
        }

        (float[]? Dense, SparseValues? Sparse) Values(JsonElement root, int? dModel, int? width, SteeringMethod? method)
        {
            if (!root.TryGetProperty("values", out var values)) { Problem("$.values", "required"); return (null, null); }
            if (values.ValueKind == JsonValueKind.Array)
            {
                var dense = Floats(values, "$.values");
                if (dense is not null && dModel is int d && dense.Length != d)
                    Problem("$.values", $"has {dense.Length} entries but d_model is {d}");
                return (dense, null);
            }
            if (values.ValueKind != JsonValueKind.Object) { Problem("$.values", "must be an array (dense) or {\"indices\", \"values\"} (sparse)"); return (null, null); }
            if (!values.TryGetProperty("indices", out var indices) || indices.ValueKind != JsonValueKind.Array) { Problem("$.values.indices", "required array"); return (null, null); }
            if (!values.TryGetProperty("values", out var entries) || entries.ValueKind != JsonValueKind.Array) { Problem("$.values.values", "required array"); return (null, null); }
            var floats = Floats(entries, "$.values.values");
            var ints = new int[indices.GetArrayLength()];
            int i = 0, previous = -1;
            bool ok = floats is not null;
            foreach (var index in indices.EnumerateArray())
            {
                string path = $"$.values.indices[{i}]";
                if (index.ValueKind != JsonValueKind.Number || !index.TryGetInt32(out int value)) { Problem(path, $"must be an integer, found {index.GetRawText()}"); ok = false; }
                else if (value < 0 || (width is int w && value >= w)) { Problem(path, $"{value} is outside [0, {width?.ToString(CultureInfo.InvariantCulture) ?? "width"})"); ok = false; }
                else if (value <= previous) { Problem(path, $"{value} is not greater than the previous index {previous} (indices must be strictly increasing)"); ok = false; }
                else { ints[i] = value; previous = value; }
                i++;
            }
            if (floats is not null && floats.Length != ints.Length) { Problem("$.values", $"{ints.Length} indices but {floats.Length} values"); ok = false; }
            if (width is null) { Problem("$.sae", "a sparse vector needs the SAE it lives in (release, id, width)"); ok = false; }
            return ok ? (null, new SparseValues(ints, floats!, width!.Value)) : (null, null);
        }

        float[]? Floats(JsonElement array, string path)
        {
            var result = new float[array.GetArrayLength()];
            int i = 0;
            bool ok = true;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double value)) { Problem($"{path}[{i}]", $"must be a number, found {item.GetRawText()}"); ok = false; }
                else if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue) { Problem($"{path}[{i}]", $"{item.GetRawText()} is not a finite 32-bit number"); ok = false; }
                else result[i] = (float)value;
                i++;
            }
            return ok ? result : null;
        }

        DatasetReference? Dataset(JsonElement root)
        {
            if (Object(root, "dataset", optional: true) is not { } dataset) return null;
            string name = String(dataset, "$.dataset", "name") ?? "";
            string hash = String(dataset, "$.dataset", "content_hash") ?? "";
            int? pairs = Integer(dataset, "$.dataset", "pair_count", min: 0);
            return new DatasetReference(name, hash, pairs ?? 0);
        }

        DateTimeOffset CreatedAt(JsonElement root)
        {
            string? text = String(root, "$", "created_at", optional: true);
            if (text is null) return DateTimeOffset.UnixEpoch;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            Problem("$.created_at", $"'{text}' is not an ISO 8601 date-time");
            return DateTimeOffset.UnixEpoch;
        }

        void Norms(JsonElement root, SteeringVector vector)
        {
            if (Object(root, "norms", optional: true) is not { } norms) return;
            void Check(string key, double actual)
            {
                if (!norms.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return;
                if (value.ValueKind != JsonValueKind.Number) { Problem($"$.norms.{key}", "must be a number"); return; }
                double stated = value.GetDouble();
                if (Math.Abs(stated - actual) > 1e-4 * Math.Max(1, Math.Abs(actual)))
                    Problem($"$.norms.{key}", $"states {stated} but the values give {actual:G6}");
            }
            Check("l2", vector.L2Norm);
            Check("l1", vector.L1Norm);
            Check("l0", vector.L0);
        }
    }
}
