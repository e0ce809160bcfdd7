using SteerLab.Engine.Demo;

namespace SteerLab.Engine.Tests.Demo;

public class GenreClassifierTests
{
    static BrownText Text(char genre, int number, string sentence) => new($"c{genre}{number:00}", genre, number, [[sentence]]);

    static GenreClassifier Trained() => GenreClassifier.Train(
    [
        Text('p', 1, "she loved him and kissed him, her heart full of love and longing"),
        Text('p', 2, "her heart ached with love; she kissed his cheek and smiled"),
        Text('a', 1, "the committee said the senate vote on the bill was delayed by the governor"),
        Text('a', 2, "the governor told the committee the bill would reach the senate monday"),
    ], minCount: 1);

    [Fact]
    public void Score_IsPositiveForTheFirstGenreAndNegativeForTheOther()
    {
        var classifier = Trained();
        Assert.True(classifier.Score("She kissed him with love.", 'p', 'a') > 0);
        Assert.True(classifier.Score("The senate committee delayed the bill.", 'p', 'a') < 0);
        Assert.Equal(0, classifier.Score("xyzzy plugh", 'p', 'a'));
        Assert.Equal('a', classifier.Classify("The governor and the senate"));
    }

    [Fact]
    public void Score_IsAntisymmetric()
    {
        var classifier = Trained();
        string text = "her heart and the senate";
        Assert.Equal(classifier.Score(text, 'p', 'a'), -classifier.Score(text, 'a', 'p'), 12);
    }

    [Fact]
    public void SaveAndLoad_KeepTheScores()
    {
        var classifier = Trained();
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, GenreClassifier.FileName);
        classifier.Save(path);
        var loaded = GenreClassifier.Load(path);
        Assert.Equal(classifier.Score("she smiled at the governor", 'p', 'a'), loaded.Score("she smiled at the governor", 'p', 'a'), 12);
    }

    [Theory]
    [InlineData("{", "not a genre classifier")]
    [InlineData("{\"format\":\"other\"}", "'format'")]
    [InlineData("{\"format\":\"steerlab.genre-classifier/1\",\"vocabulary\":[\"a\"],\"documents\":{\"p\":1,\"a\":1},\"counts\":{\"p\":[1],\"a\":[1,2]}}", "counts.a: 2 counts for 1 words")]
    [InlineData("{\"format\":\"steerlab.genre-classifier/1\",\"vocabulary\":[\"a\"],\"documents\":{\"p\":1,\"z\":1},\"counts\":{\"p\":[1],\"z\":[1]}}", "counts.z: not a genre letter")]
    [InlineData("{\"format\":\"steerlab.genre-classifier/1\",\"vocabulary\":[\"a\"],\"documents\":{\"p\":1,\"a\":1},\"counts\":{\"p\":[1],\"a\":[-1]}}", "negative")]
    [InlineData("{\"format\":\"steerlab.genre-classifier/1\",\"vocabulary\":[\"a\"],\"documents\":{\"p\":1},\"counts\":{\"p\":[1],\"a\":[1]}}", "documents.a")]
    public void Load_RejectsMalformedFilesNamingTheProblem(string json, string expected)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => GenreClassifier.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
