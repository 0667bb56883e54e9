import Agents
import Testing

/// CSV quoting as RFC 4180, and `plot`'s reading of cut or malformed rows.
@Suite struct CSVTests {
    @Test func fieldsWithCommasQuotesAndLineBreaksRoundTrip() {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", "", "-1.5"]
        let line = CSV.row(fields)
        #expect(line == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,-1.5")
        #expect(CSV.fields(of: Substring(line)) == fields)
        #expect(CSV.fields(of: "\"unterminated,1,2") == nil)
    }

    @Test func incompleteRowsAreSkippedAndCounted() {
        let text = """
            step,task,episodes,return_mean,x
            100,a,1,5.5,1
            200,a,1,6.5,1
            300,a,1,7
            400,a
            """
        let (series, skipped) = LearningCurvePlot.series(fromMetrics: text, label: "run")
        #expect(skipped == 2)
        #expect(series.curves["a"]?.map(\.value) == [5.5, 6.5])
    }
}
