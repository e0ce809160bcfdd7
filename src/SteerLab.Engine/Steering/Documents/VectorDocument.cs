using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SteerLab.Engine.Steering.Documents;

/// <summary>Writes the <c>steerlab.vector/1</c> JSON document (DESIGN §7). <see cref="VectorDocumentReader"/> reads it.</summary>
public static class VectorDocument
{
    public const string Format = "steerlab.vector/1";

    public static string MethodName(SteeringMethod method) => method switch
    {
        SteeringMethod.Caa => "caa",
        SteeringMethod.TopKEnr => "topk_enr",
        SteeringMethod.Sas => "sas",
        _ => "sae_ts",
    };

    public static string SoftwareVersion =>
        typeof(VectorDocument).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string ToJson(SteeringVector v)
    {
        using var stream = new MemoryStream();
        Write(v, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(SteeringVector v, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("id", v.Id);
        w.WriteString("name", v.Name);
        w.WriteString("description", v.Description);
        w.WriteString("behaviour", v.Behaviour);
        w.WriteString("method", MethodName(v.Method));
        w.WriteStartObject("parameters");
        foreach (var (key, value) in v.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(key);
            JsonSerializer.Serialize(w, value, value.GetType());
        }
        w.WriteEndObject();
        w.WriteStartObject("model");
        w.WriteString("id", v.ModelId);
        if (v.ModelRevision is null) w.WriteNull("revision"); else w.WriteString("revision", v.ModelRevision);
        w.WriteNumber("d_model", v.DModel);
        w.WriteEndObject();
        w.WriteStartObject("hook");
        w.WriteString("name", v.Hook.Name);
        w.WriteNumber("layer", v.Hook.Layer);
        w.WriteEndObject();
        if (v.Sae is null) w.WriteNull("sae");
        else
        {
            w.WriteStartObject("sae");
            w.WriteString("release", v.Sae.Release);
            w.WriteString("id", v.Sae.Id);
            w.WriteNumber("width", v.Sae.Width);
            if (v.Sae.Sha256 is null) w.WriteNull("sha256"); else w.WriteString("sha256", v.Sae.Sha256);
            w.WriteEndObject();
        }
        if (v.Sparse is { } sparse)
        {
            w.WriteStartObject("values");
            w.WriteStartArray("indices");
            foreach (int i in sparse.Indices) w.WriteNumberValue(i);
            w.WriteEndArray();
            w.WriteStartArray("values");
            foreach (float x in sparse.Values) w.WriteNumberValue(x);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartArray("values");
            foreach (float x in v.Dense!) w.WriteNumberValue(x);
            w.WriteEndArray();
        }
        w.WriteStartObject("norms");
        w.WriteNumber("l2", v.L2Norm);
        w.WriteNumber("l1", v.L1Norm);
        w.WriteNumber("l0", v.L0);
        w.WriteEndObject();
        if (v.Dataset is null) w.WriteNull("dataset");
        else
        {
            w.WriteStartObject("dataset");
            w.WriteString("name", v.Dataset.Name);
            w.WriteString("content_hash", v.Dataset.ContentHash);
            w.WriteNumber("pair_count", v.Dataset.PairCount);
            w.WriteEndObject();
        }
        w.WriteString("created_by", v.CreatedBy);
        w.WriteString("created_at", v.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        w.WriteStartObject("software");
        w.WriteString("name", "SteerLab");
        w.WriteString("version", SoftwareVersion);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
