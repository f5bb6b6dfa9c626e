package dev.gantry.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** By instance, kept while each assembly asks for it, dropped after one that does not. */
class InstanceMemoTest {
  @Test
  void anEntryIsFoundByItsInstanceOnly() {
    InstanceMemo<String, Integer> memo = new InstanceMemo<>();
    String key = new String("a");
    memo.put(key, 1);

    assertThat(memo.get(key)).isEqualTo(1);
    assertThat(memo.get(new String("a"))).as("an equal key of another instance").isNull();
  }

  @Test
  void whatAnAssemblyAskedForOrPutSurvivesItsRollAndWhatItDidNotIsDropped() {
    InstanceMemo<String, Integer> memo = new InstanceMemo<>();
    String asked = new String("asked");
    String put = new String("put");
    String unasked = new String("unasked");
    memo.put(asked, 1);
    memo.put(unasked, 2);
    memo.roll();

    assertThat(memo.get(asked)).isEqualTo(1);
    memo.put(put, 3);
    memo.roll();

    assertThat(memo.size()).isEqualTo(2);
    assertThat(memo.get(unasked)).as("not asked for in the last assembly").isNull();
    assertThat(memo.get(asked)).isEqualTo(1);
    assertThat(memo.get(put)).isEqualTo(3);

    // Asked for twice in one assembly counts once: the next roll still drops the rest.
    memo.roll();
    assertThat(memo.get(asked)).isEqualTo(1);
    assertThat(memo.get(asked)).isEqualTo(1);
    memo.roll();
    assertThat(memo.size()).isEqualTo(1);
    assertThat(memo.get(put)).isNull();
  }

  @Test
  void aPutReplacesTheValueOfAnInstanceAlreadyKnown() {
    InstanceMemo<String, Integer> memo = new InstanceMemo<>();
    String key = new String("k");
    memo.put(key, 1);
    memo.roll();
    memo.put(key, 2);
    memo.roll();

    assertThat(memo.get(key)).isEqualTo(2);
    assertThat(memo.size()).isEqualTo(1);
  }
}
