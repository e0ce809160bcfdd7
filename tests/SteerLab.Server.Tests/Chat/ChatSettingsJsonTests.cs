using SteerLab.Shared.Chat;

namespace SteerLab.Server.Tests.Chat;

public sealed class ChatSettingsJsonTests
{
    const string Valid = """
        {"version":1,"steering":[{"vectorId":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","lambda":-2.5}],"deltaCorrection":true,
         "steerAllPositions":false,"sampling":{"maxNewTokens":128,"temperature":0.7,"topP":0.95,"seed":1}}
        """;

    [Fact]
    public void Parse_ReadsAVersion1SettingAndSerializeRoundTrips()
    {
        var settings = ChatSettingsJson.Parse(Valid, "test");
        Assert.Equal([new ChatSteering(Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"), -2.5)], settings.Steering);
        Assert.Equal(new ChatSampling(128, 0.7, 0.95, 1), settings.Sampling);
        Assert.Equal(settings, ChatSettingsJson.Parse(ChatSettingsJson.Serialize(settings), "again"));
    }

    [Theory]
    [InlineData("\"version\":1", "\"version\":2", "$.version")]
    [InlineData("\"deltaCorrection\":true,", "", "$.deltaCorrection")]
    [InlineData("\"deltaCorrection\":true", "\"deltaCorrection\":\"yes\"", "$.deltaCorrection")]
    [InlineData("\"version\":1", "\"version\":1,\"extra\":0", "$.extra")]
    [InlineData("\"lambda\":-2.5", "\"lambda\":-2.5,\"weight\":1", "$.steering[0].weight")]
    [InlineData("6f9619ff-8b86-d011-b42d-00cf4fc964ff", "not-a-guid", "$.steering[0].vectorId")]
    [InlineData("\"maxNewTokens\":128", "\"maxNewTokens\":12.5", "$.sampling.maxNewTokens")]
    [InlineData("\"maxNewTokens\":128", "\"maxNewTokens\":100000", "$.sampling.maxNewTokens")]
    [InlineData("\"topP\":0.95", "\"topP\":0", "$.sampling.topP")]
    [InlineData("\"seed\":1", "\"seed\":1.5", "$.sampling.seed")]
    public void Parse_RefusesMalformedSettingsNamingTheJsonPath(string from, string to, string path)
    {
        var problem = Assert.Throws<ChatSettingsFormatException>(() => ChatSettingsJson.Parse(Valid.Replace(from, to), "preset 'x'"));
        Assert.Equal(path, problem.Path);
        Assert.StartsWith("preset 'x': " + path, problem.Message);
    }

    [Fact]
    public void Parse_RefusesNonJsonAndTooManyVectors()
    {
        Assert.Equal("$", Assert.Throws<ChatSettingsFormatException>(() => ChatSettingsJson.Parse("{", "x")).Path);
        string many = string.Join(",", Enumerable.Range(0, ChatSettings.MaxSteering + 1).Select(_ => $"{{\"vectorId\":\"{Guid.NewGuid()}\",\"lambda\":1}}"));
        string json = Valid.Replace("[{\"vectorId\":\"6f9619ff-8b86-d011-b42d-00cf4fc964ff\",\"lambda\":-2.5}]", $"[{many}]");
        Assert.Equal("$.steering", Assert.Throws<ChatSettingsFormatException>(() => ChatSettingsJson.Parse(json, "x")).Path);
    }
}
