using System.Text.Json.Nodes;
using SteerLab.Engine.Models.Tokenizers;

namespace SteerLab.Engine.Tests.Tokenizers;

/// <summary>A malformed or unsupported tokenizer.json fails loudly, naming the file and where in it the problem is.</summary>
public sealed class TokenizerJsonValidationTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    TokenizerFormatException LoadFails(string contents)
    {
        string path = Path.Combine(folder.Path, "tokenizer.json");
        File.WriteAllText(path, contents);
        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceBpeTokenizer.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        return error;
    }

    TokenizerFormatException LoadFails(Action<JsonObject> corrupt)
    {
        var json = TinyTokenizerFiles.MetaspaceTokenizerJson("llama");
        corrupt(json);
        return LoadFails(TinyTokenizerFiles.Serialize(json));
    }

    static JsonObject Model(JsonObject json) => json["model"]!.AsObject();

    [Fact]
    public void NotJson() => Assert.Contains("not valid JSON", LoadFails("{\"model\": {\"vocab\": ").Message);

    [Fact]
    public void RootNotObject() => Assert.Equal("$", LoadFails("[1, 2]").Location);

    [Fact]
    public void MissingModel() => Assert.Equal("$.model", LoadFails("{\"version\": \"1.0\"}").Location);

    [Fact]
    public void MissingVocab()
    {
        var error = LoadFails(json => Model(json).Remove("vocab"));
        Assert.Equal("$.model.vocab", error.Location);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void MissingMerges() => Assert.Equal("$.model.merges", LoadFails(json => Model(json).Remove("merges")).Location);

    [Fact]
    public void MergeOfUnknownToken()
    {
        var error = LoadFails(json => Model(json)["merges"]!.AsArray().Add("▁ zz"));
        Assert.Equal($"$.model.merges[{TinyTokenizerFiles.MetaspaceMerges.Length}]", error.Location);
        Assert.Contains("\"zz\"", error.Message);
    }

    [Fact]
    public void MergeArrayOfThreeParts() =>
        Assert.Equal("$.model.merges[0]", LoadFails(json => Model(json)["merges"]![0] = new JsonArray("a", "b", "c")).Location);

    [Fact]
    public void MergeWithoutSpace() =>
        Assert.Equal("$.model.merges[0]", LoadFails(json => Model(json)["merges"]![0] = "ab").Location);

    [Fact]
    public void VocabIdNotInteger()
    {
        var error = LoadFails(json => Model(json)["vocab"]!["a"] = "one");
        Assert.Equal("$.model.vocab.a", error.Location);
        Assert.Contains("integer", error.Message);
    }

    [Fact]
    public void VocabNotObject() => Assert.Equal("$.model.vocab", LoadFails(json => Model(json)["vocab"] = new JsonArray(1, 2)).Location);

    [Fact]
    public void DuplicateVocabId() => Assert.Contains("also the id", LoadFails(json => Model(json)["vocab"]!["zz"] = 5).Message);

    [Fact]
    public void MergesNotArray() => Assert.Equal("$.model.merges", LoadFails(json => Model(json)["merges"] = "▁ t").Location);

    [Fact]
    public void ByteFallbackNotBool() =>
        Assert.Equal("$.model.byte_fallback", LoadFails(json => Model(json)["byte_fallback"] = "yes").Location);

    [Fact]
    public void AddedTokenIdNotInteger() =>
        Assert.Equal("$.added_tokens[1].id", LoadFails(json => json["added_tokens"]![1]!["id"] = "1").Location);

    [Fact]
    public void AddedTokenContradictsVocab() =>
        Assert.Equal("$.added_tokens[1]", LoadFails(json => json["added_tokens"]![1]!["id"] = 7).Location);

    [Fact]
    public void UnknownTokenNotInVocab() =>
        Assert.Equal("$.model.unk_token", LoadFails(json => Model(json)["unk_token"] = "<nope>").Location);

    [Fact]
    public void UnigramModel() =>
        Assert.Contains("only BPE", LoadFails(json => Model(json)["type"] = "Unigram").Message);

    [Fact]
    public void UnsupportedPreTokenizer() =>
        Assert.Equal("$.pre_tokenizer.type", LoadFails(json => json["pre_tokenizer"] = new JsonObject { ["type"] = "Whitespace" }).Location);

    [Fact]
    public void RegexDotNetCannotCompile() =>
        Assert.Equal("$.pre_tokenizer.pattern.Regex", LoadFails(json =>
        {
            json["pre_tokenizer"] = new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = "(unclosed" }, ["behavior"] = "Isolated" };
        }).Location);

    [Fact]
    public void NeitherByteLevelNorMetaspace() => Assert.Contains("neither", LoadFails(json => json["pre_tokenizer"] = null).Message);
}
