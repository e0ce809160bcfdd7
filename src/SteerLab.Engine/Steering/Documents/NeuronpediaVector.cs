using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models.Safetensors;
using YamlDotNet.RepresentationModel;
using static TorchSharp.torch;

namespace SteerLab.Engine.Steering.Documents;

/// <summary>Neuronpedia-style vector folder: <c>vector.yaml</c> (label, description, model_id, layer_num,
/// hook_type, hook_name, default_steer_strength) and <c>vector.safetensors</c> holding one F32 tensor
/// <c>vector</c> of length d_model. Neuronpedia's custom vectors are dense residual-stream additions, so only
/// dense vectors are exported. Field names follow Neuronpedia's vector upload (label, model_id, layer_num,
/// hook_type, default_steer_strength); the folder layout is ours where Neuronpedia publishes none.</summary>
public static class NeuronpediaVector
{
    const long MaxYamlBytes = 1024 * 1024;

    public static void Write(string folder, SteeringVector vector, double defaultSteerStrength = 1.0)
    {
        if (vector.IsSparse) throw new ArgumentException($"'{vector.Name}' is sparse; Neuronpedia vectors are dense");
        Directory.CreateDirectory(folder);
        var root = new YamlMappingNode
        {
            { "label", vector.Name },
            { "description", vector.Description },
            { "model_id", vector.ModelId },
            { "layer_num", vector.Hook.Layer.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { "hook_type", vector.Hook.Name[(vector.Hook.Name.IndexOf(".hook_", StringComparison.Ordinal) + 1)..] },
            { "hook_name", vector.Hook.Name },
            { "default_steer_strength", defaultSteerStrength.ToString("R", System.Globalization.CultureInfo.InvariantCulture) },
            { "vector_file", "vector.safetensors" },
        };
        using (var writer = new StreamWriter(Path.Combine(folder, "vector.yaml")))
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        using var values = tensor(vector.Dense!);
        SafetensorsWriter.Write(Path.Combine(folder, "vector.safetensors"), [new("vector", values)],
            new Dictionary<string, string> { ["format"] = "neuronpedia-vector" });
    }

    public static SteeringVector Read(string folder, int? modelDModel = null)
    {
        string yamlPath = Path.Combine(folder, "vector.yaml");
        string weightsPath = Path.Combine(folder, "vector.safetensors");
        var problems = new List<VectorProblem>();
        if (!File.Exists(yamlPath)) throw new VectorImportException(folder, [new("vector.yaml", "file not found")]);
        if (new FileInfo(yamlPath).Length > MaxYamlBytes) throw new VectorImportException(yamlPath, [new("$", "file too large")]);
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(yamlPath);
            stream.Load(reader);
            root = stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode mapping ? mapping
                : throw new VectorImportException(yamlPath, [new("$", "must hold one mapping")]);
        }
        catch (YamlDotNet.Core.YamlException e) { throw new VectorImportException(yamlPath, [new($"line {e.Start.Line}", e.Message)]); }

        string? Scalar(string key, bool required = true)
        {
            if (root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar) return scalar.Value;
            if (required) problems.Add(new VectorProblem(key, "required"));
            return null;
        }
        string label = Scalar("label") ?? "";
        string description = Scalar("description", required: false) ?? "";
        string modelId = Scalar("model_id") ?? "";
        string? hookName = Scalar("hook_name", required: false);
        string? layerText = Scalar("layer_num", required: hookName is null);
        string? hookType = Scalar("hook_type", required: hookName is null);
        HookPoint hook = default;
        if (hookName is null && layerText is not null && hookType is not null) hookName = $"blocks.{layerText}.{hookType}";
        if (hookName is not null && !HookPoint.TryParse(hookName, out hook)) problems.Add(new VectorProblem("hook_name", $"'{hookName}' is not a supported hook point"));
        if (!File.Exists(weightsPath)) problems.Add(new VectorProblem("vector.safetensors", "file not found"));
        if (problems.Count > 0) throw new VectorImportException(yamlPath, problems);

        using var file = SafetensorsFile.Open(weightsPath);
        if (!file.Tensors.TryGetValue("vector", out var info) || info.Shape.Length != 1)
            throw new VectorImportException(weightsPath, [new("vector", "expected one 1-D tensor named 'vector'")]);
        if (modelDModel is int d && info.Shape[0] != d)
            throw new VectorImportException(weightsPath, [new("vector", $"has {info.Shape[0]} entries but the model's d_model is {d}")]);
        using var values = file.Load("vector", ScalarType.Float32);
        var dense = values.data<float>().ToArray();
        int bad = Array.FindIndex(dense, v => !float.IsFinite(v));
        if (bad >= 0) throw new VectorImportException(weightsPath, [new($"vector[{bad}]", "is not finite")]);
        return new SteeringVector
        {
            Name = label, Description = description, Method = SteeringMethod.Caa, Hook = hook, DModel = dense.Length, Dense = dense,
            ModelId = modelId, Parameters = new Dictionary<string, object> { ["imported_from"] = "neuronpedia" },
        };
    }
}
