using SteerLab.Engine.Models.Safetensors;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Tests.Sae;
using static SteerLab.Engine.Tests.Malformed.MalformedBytes;
using static SteerLab.Engine.Tests.Models.SafetensorsValidationTests;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>safetensors: the 8-byte header length, the JSON header and its tensor entries, and non-finite weights.
/// Model checkpoints are read as stored (a NaN weight is a legal value of the format and scanning every weight of a
/// multi-GB checkpoint at load would cost a full pass over it); SAE weights are checked for NaN/±Inf at load
/// (SaeChecks.RequireFinite), so the NaN/Inf cases go through the SAE loader.</summary>
static class SafetensorsCases
{
    const string Format = "safetensors";

    static MalformedCase Case(string description, byte[] bytes, string problem) =>
        new(Format, description, typeof(SafetensorsFormatException), problem,
            folder => { string path = Write(folder, "model.safetensors", bytes); return (path, path); },
            path => SafetensorsFile.Open(path));

    static string Entry(string dtype, string shape, string offsets) =>
        $$$"""{"w": {"dtype": "{{{dtype}}}", "shape": {{{shape}}}, "data_offsets": {{{offsets}}}}}""";

    /// <summary>A SAELens folder whose cfg.json is valid (d_in 2, d_sae 3) and whose weights hold a non-finite value.</summary>
    static MalformedCase SaeWeights(string description, string tensor, float bad) =>
        new(Format, description, typeof(SaeFormatException), "non-finite value",
            folder =>
            {
                var tensors = SaeTestFolders.SaeLensTensors();
                int at = tensors.FindIndex(t => t.Name == tensor);
                var values = (float[])tensors[at].Values.Clone();
                values[^1] = bad;
                tensors[at] = (tensor, tensors[at].Shape, values);
                SaeTestFolders.WriteSaeLens(folder, SaeConfigCases.ValidConfig(), tensors);
                return (folder, Path.Combine(folder, "sae_weights.safetensors"));
            },
            folder => SaeLoader.Load(folder));

    public static IEnumerable<MalformedCase> All() =>
    [
        Case("empty file", [], "truncated file: 0 bytes"),
        Case("truncated inside the 8-byte header length", [0x10, 0, 0, 0, 0], "truncated file: 5 bytes"),
        Case("header length longer than the file", RawFile(4096, Utf8("{}")), "runs past the end of the file"),
        Case("header length 2^60", RawFile(1UL << 60, Utf8("{}")), "exceeds the 100000000-byte limit"),
        Case("header is not JSON", JsonFile("GGUF\0\0\0 binary garbage"), "header is not valid JSON"),
        Case("header JSON nested 10,000 deep", JsonFile($$$"""{"__metadata__": {{{NestedArrays(10_000)}}}}"""), "header is not valid JSON"),
        Case("header with invalid UTF-8 in a tensor name", RawHeader(Splice(Entry("F32", "[1]", "[0, 4]"), "\"w\"", [(byte)'"', .. InvalidUtf8, (byte)'"']), 4), "header is not valid UTF-8"),
        Case("unknown dtype", JsonFile(Entry("F4_E2M1", "[2]", "[0, 1]"), 1), "unknown dtype 'F4_E2M1'"),
        Case("negative dimension", JsonFile(Entry("F32", "[-2, 2]", "[0, 16]"), 16), "shape[0] must be a non-negative integer"),
        Case("dimensions whose product overflows int64", JsonFile(Entry("F32", "[4294967296, 4294967296, 4294967296]", "[0, 4]"), 4), "declares an impossibly large tensor"),
        Case("dimension beyond int64", JsonFile(Entry("F32", "[1e400]", "[0, 4]"), 4), "shape[0] must be a non-negative integer"),
        Case("data_offsets outside the file", JsonFile(Entry("F32", "[2]", "[0, 8]"), 4), "lie outside the data section (4 bytes)"),
        Case("data_offsets end at 2^62", JsonFile(Entry("U8", "[8]", "[4611686018427387896, 4611686018427387904]"), 4), "lie outside the data section"),
        Case("data_offsets not matching shape x dtype", JsonFile(Entry("F32", "[3]", "[0, 8]"), 8), "needs 12 bytes but data_offsets span 8"),
        Case("overlapping data_offsets", JsonFile("""
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}
            """, 12), "overlap"),
        SaeWeights("NaN in SAE encoder weights", "W_enc", float.NaN),
        SaeWeights("+Inf in SAE decoder bias", "b_dec", float.PositiveInfinity),
    ];

    static byte[] RawHeader(byte[] header, int dataBytes) => RawFile((ulong)header.Length, header, dataBytes);
}
