using SteerLab.Engine.Demo;

namespace SteerLab.Engine.Tests.Demo;

public class BrownTextTests
{
    [Fact]
    public void Detokenize_DropsTagsAndAttachesPunctuationAndQuotes()
    {
        string line = "\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc (/( Atlanta's/np$ )/) election/nn was/bedz fair/jj ./.";
        Assert.Equal("The jury said \"no evidence\", and (Atlanta's) election was fair.", BrownText.Detokenize(line));
    }

    [Fact]
    public void Detokenize_RejectsATokenWithoutATag()
    {
        var e = Assert.Throws<InvalidDataException>(() => BrownText.Detokenize("The/at jury said/vbd", "ca01", 7));
        Assert.Contains("ca01:7", e.Message);
        Assert.Contains("'jury'", e.Message);
    }

    [Fact]
    public void Read_SplitsParagraphsAtIndentedLinesAndBlankLines()
    {
        string folder = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(folder, "cp07");
        File.WriteAllText(path, "\n\n\tShe/pps smiled/vbd ./.\nHe/pps left/vbd ./.\n\n\n\tIt/pps rained/vbd ./.\n");
        var text = BrownText.Read(path);
        Assert.Equal('p', text.Genre);
        Assert.Equal(7, text.Number);
        Assert.Equal(2, text.Paragraphs.Count);
        Assert.Equal(["She smiled.", "He left."], text.Paragraphs[0]);
        Assert.Equal("She smiled. He left.\nIt rained.", text.PlainText);
    }

    [Theory]
    [InlineData("ca01", true)]
    [InlineData("cr09", true)]
    [InlineData("ci01", false)] // no genre i in the Brown Corpus
    [InlineData("README", false)]
    [InlineData("ca1", false)]
    public void IsTextFileName_AcceptsOnlyGenreLetterAndTwoDigits(string name, bool expected) =>
        Assert.Equal(expected, BrownText.IsTextFileName(name));

    [Fact]
    public void Split_HoldsOutEveryFifthTextAndKeepsDatasetAndEvaluationTextsApart()
    {
        var texts = Enumerable.Range(1, 30).Select(n => new BrownText($"cp{n:00}", 'p', n, [["x"]])).ToList();
        var heldOut = texts.Where(BrownCorpus.IsHeldOut).Select(t => t.Number).ToList();
        Assert.Equal([5, 10, 15, 20, 25, 30], heldOut);
        Assert.Equal([5, 15, 25], texts.Where(DemoSentences.IsDatasetText).Select(t => t.Number));
        Assert.Equal([10, 20, 30], texts.Where(DemoSentences.IsEvaluationText).Select(t => t.Number));
    }

    [Fact]
    public void PackageIntegrity_RejectsOtherBytes()
    {
        var e = Assert.Throws<InvalidDataException>(() => BrownCorpusPackage.VerifyIntegrity([1, 2, 3], "test.tgz"));
        Assert.Contains("test.tgz", e.Message);
        Assert.Contains("does not match", e.Message);
    }
}
