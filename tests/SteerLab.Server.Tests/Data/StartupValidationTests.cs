using Microsoft.Extensions.Options;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Data;

public sealed class StartupValidationTests
{
    [SkippableTheory]
    [InlineData("SteerLab:Engine:Mode", "sometimes")]
    [InlineData("SteerLab:Database:Provider", "oracle")]
    [InlineData("SteerLab:Jobs:MaxAttempts", "0")]
    [InlineData("SteerLab:Engine:WeightType", "f16")]
    public async Task Start_RefusesSettingsThatCannotWork_NamingTheSetting(string setting, string value)
    {
        await using var server = new SteerLabServer(extraSettings: new Dictionary<string, string?> { [setting] = value });

        var error = Assert.Throws<OptionsValidationException>(() => server.CreateClient());

        Assert.Contains(setting, error.Message);
    }
}
