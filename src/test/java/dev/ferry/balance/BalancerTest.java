package dev.ferry.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The strategies on their own, with fake servers whose weight and load the test sets. */
class BalancerTest {

    /** A server as a strategy sees it; load is set by the test. */
    private static final class Fake implements Endpoint {
        final String id;
        final int weight;
        int load;

        Fake(String id, int weight) {
            this.id = id;
            this.weight = weight;
        }

        Fake(String id) {
            this(id, 1);
        }

        Fake loaded(int load) {
            this.load = load;
            return this;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int load() {
            return load;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private static final Predicate<Endpoint> ANY = s -> true;

    private static String sequence(Balancer<Fake> balancer, List<Fake> servers, int picks) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            names.append(balancer.pick(servers, ANY, null).id);
        }
        return names.toString();
    }

    private static List<Supplier<Balancer<Fake>>> allStrategies() {
        return List.of(Balancer::roundRobin, Balancer::weightedRoundRobin, Balancer::leastConnections,
                Balancer::powerOfTwo, Balancer::consistentHash);
    }

    // ---- round robin and weighted round robin ----

    @Test
    void roundRobinTakesEachServerInTurn() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"));
        assertThat(sequence(Balancer.roundRobin(), servers, 7)).isEqualTo("abcabca");
    }

    @Test
    void roundRobinSharesAnIneligibleServersTurnsEquallyAmongTheOthers() {
        // With b out, a and c alternate: c, listed after b, does not take b's turns too.
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"));
        Balancer<Fake> balancer = Balancer.roundRobin();
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            picks.append(balancer.pick(servers, s -> !s.id().equals("b"), null).id);
        }
        assertThat(picks.toString()).isEqualTo("ac".repeat(15));
    }

    @Test
    void weightedRoundRobinThreeToTwoIsSmooth() {
        List<Fake> servers = List.of(new Fake("a", 3), new Fake("b", 2));
        assertThat(sequence(Balancer.weightedRoundRobin(), servers, 10)).isEqualTo("ababaababa");
    }

    @Test
    void weightedRoundRobinSpreadsTheHeavyServersTurnsAsNginxDoes() {
        List<Fake> servers = List.of(new Fake("a", 5), new Fake("b", 1), new Fake("c", 1));
        assertThat(sequence(Balancer.weightedRoundRobin(), servers, 7)).isEqualTo("aabacaa");
    }

    @Test
    void weightedRoundRobinKeepsExactSharesOverManyPicks() {
        List<Fake> servers = List.of(new Fake("a", 3), new Fake("b", 2));
        String picks = sequence(Balancer.weightedRoundRobin(), servers, 500);
        assertThat(picks.chars().filter(c -> c == 'a').count()).isEqualTo(300);
        assertThat(picks).doesNotContain("aaa").doesNotContain("bb");
    }

    @Test
    void weightedRoundRobinGivesAnIneligibleServersTurnsToTheOthers() {
        Fake a = new Fake("a", 3);
        Fake b = new Fake("b", 2);
        Fake c = new Fake("c", 1);
        Balancer<Fake> balancer = Balancer.weightedRoundRobin();
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            picks.append(balancer.pick(List.of(a, b, c), s -> s != a, null).id);
        }
        assertThat(picks.toString()).doesNotContain("a");
        assertThat(picks.chars().filter(ch -> ch == 'b').count()).isEqualTo(40);
    }

    // ---- eligibility, for every strategy ----

    @Test
    void everyStrategyRespectsTheEligibilityPredicate() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"), new Fake("d"));
        Set<String> allowed = Set.of("b", "d");
        for (Supplier<Balancer<Fake>> strategy : allStrategies()) {
            Balancer<Fake> balancer = strategy.get();
            Set<String> picked = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String key = i % 2 == 0 ? "key-" + i : null;
                picked.add(balancer.pick(servers, s -> allowed.contains(s.id()), key).id);
            }
            assertThat(picked).as(balancer.getClass().getSimpleName()).isEqualTo(allowed);
        }
    }

    @Test
    void everyStrategyReturnsNullWhenNoServerIsEligible() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"));
        for (Supplier<Balancer<Fake>> strategy : allStrategies()) {
            Balancer<Fake> balancer = strategy.get();
            assertThat(balancer.pick(servers, s -> false, "key")).as(balancer.getClass().getSimpleName()).isNull();
            assertThat(balancer.pick(servers, s -> false, null)).as(balancer.getClass().getSimpleName()).isNull();
        }
    }

    @Test
    void everyStrategyPicksTheOnlyEligibleServer() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b").loaded(100), new Fake("c"));
        for (Supplier<Balancer<Fake>> strategy : allStrategies()) {
            Balancer<Fake> balancer = strategy.get();
            for (int i = 0; i < 20; i++) {
                assertThat(balancer.pick(servers, s -> s.id().equals("b"), "key-" + i).id)
                        .as(balancer.getClass().getSimpleName()).isEqualTo("b");
            }
        }
    }

    // ---- least connections and power of two ----

    @Test
    void leastConnectionsPicksTheServerWithFewestRequestsInFlight() {
        List<Fake> servers = List.of(new Fake("a").loaded(5), new Fake("b").loaded(2), new Fake("c").loaded(3));
        Balancer<Fake> balancer = Balancer.leastConnections();
        for (int i = 0; i < 10; i++) {
            assertThat(balancer.pick(servers, ANY, null).id).isEqualTo("b");
        }
    }

    @Test
    void leastConnectionsWeighsLoadByWeight() {
        // a: 4 in flight over weight 4 = 1 per unit; b: 2 over weight 1 = 2 per unit.
        List<Fake> servers = List.of(new Fake("a", 4).loaded(4), new Fake("b", 1).loaded(2));
        Balancer<Fake> balancer = Balancer.leastConnections();
        for (int i = 0; i < 10; i++) {
            assertThat(balancer.pick(servers, ANY, null).id).isEqualTo("a");
        }
        // a: 9 over 4 = 2.25 per unit; b: 2 per unit.
        servers.get(0).loaded(9);
        assertThat(balancer.pick(servers, ANY, null).id).isEqualTo("b");
    }

    @Test
    void leastConnectionsBreaksTiesInTurn() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"));
        assertThat(sequence(Balancer.leastConnections(), servers, 6)).isEqualTo("abcabc");
    }

    @Test
    void leastConnectionsTiesShareAnIneligibleServersTurnsEqually() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"));
        Balancer<Fake> balancer = Balancer.leastConnections();
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            picks.append(balancer.pick(servers, s -> !s.id().equals("b"), null).id);
        }
        assertThat(picks.chars().filter(c -> c == 'a').count()).isEqualTo(15);
        assertThat(picks.chars().filter(c -> c == 'c').count()).isEqualTo(15);
    }

    @Test
    void leastConnectionsSkipsALessLoadedButIneligibleServer() {
        List<Fake> servers = List.of(new Fake("a").loaded(0), new Fake("b").loaded(7), new Fake("c").loaded(3));
        assertThat(Balancer.<Fake>leastConnections().pick(servers, s -> !s.id().equals("a"), null).id).isEqualTo("c");
    }

    @Test
    void powerOfTwoNeverPicksTheMostLoadedServer() {
        // Whichever two are drawn, the most loaded one loses.
        List<Fake> servers = List.of(new Fake("a").loaded(1), new Fake("b").loaded(50), new Fake("c").loaded(2));
        Balancer<Fake> balancer = Balancer.powerOfTwo();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(balancer.pick(servers, ANY, null).id, 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey("b");
        // a wins against b and c (2/3 of draws), c only against b (1/3).
        assertThat(counts.get("a")).isBetween(1800, 2200);
    }

    @Test
    void powerOfTwoWithTwoServersAlwaysTakesTheLessLoadedPerUnitOfWeight() {
        List<Fake> servers = List.of(new Fake("a", 3).loaded(5), new Fake("b", 1).loaded(2));
        Balancer<Fake> balancer = Balancer.powerOfTwo();
        for (int i = 0; i < 50; i++) {
            assertThat(balancer.pick(servers, ANY, null).id).isEqualTo("a");
        }
    }

    @Test
    void powerOfTwoSpreadsEquallyLoadedServersEvenly() {
        List<Fake> servers = List.of(new Fake("a"), new Fake("b"), new Fake("c"), new Fake("d"));
        Balancer<Fake> balancer = Balancer.powerOfTwo();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(balancer.pick(servers, ANY, null).id, 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    // ---- consistent hash ----

    private static List<Fake> servers(int n) {
        List<Fake> servers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            servers.add(new Fake("10.0.0." + i + ":8080"));
        }
        return servers;
    }

    private static Map<String, String> assign(Balancer<Fake> balancer, List<Fake> servers, int keys) {
        Map<String, String> owners = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            owners.put("user-" + k, balancer.pick(servers, ANY, "user-" + k).id);
        }
        return owners;
    }

    @Test
    void consistentHashSendsAKeyToTheSameServerEveryTime() {
        List<Fake> servers = servers(5);
        Balancer<Fake> balancer = Balancer.consistentHash();
        Map<String, String> first = assign(balancer, servers, 1000);
        assertThat(assign(balancer, servers, 1000)).isEqualTo(first);
        // Another instance (another Ferry, or after a restart) agrees.
        assertThat(assign(Balancer.consistentHash(), servers(5), 1000)).isEqualTo(first);
    }

    @Test
    void consistentHashSpreadsKeysOverEveryServer() {
        Map<String, Long> shares = assign(Balancer.consistentHash(), servers(5), 10_000).values().stream()
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertThat(shares).hasSize(5);
        assertThat(shares.values()).allSatisfy(n -> assertThat(n).isBetween(1400L, 2600L));
    }

    @Test
    void consistentHashGivesAHeavierServerMoreKeys() {
        List<Fake> servers = List.of(new Fake("10.0.0.1:8080", 2), new Fake("10.0.0.2:8080"), new Fake("10.0.0.3:8080"));
        Map<String, Long> shares = assign(Balancer.consistentHash(), servers, 10_000).values().stream()
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        assertThat(shares.get("10.0.0.1:8080")).isBetween(4300L, 5700L);
    }

    @Test
    void removingOneOfFiveServersMovesOnlyItsOwnKeys() {
        List<Fake> five = servers(5);
        Map<String, String> before = assign(Balancer.consistentHash(), five, 1000);
        Fake removed = five.get(2);
        List<Fake> four = new ArrayList<>(five);
        four.remove(removed);
        Map<String, String> after = assign(Balancer.consistentHash(), four, 1000);

        Set<String> moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k)))
                .collect(Collectors.toSet());
        Set<String> ownedByRemoved = before.keySet().stream().filter(k -> before.get(k).equals(removed.id))
                .collect(Collectors.toSet());
        assertThat(moved).isEqualTo(ownedByRemoved);
        assertThat(moved.size()).isBetween(150, 250);
    }

    @Test
    void addingAServerTakesKeysOnlyForItself() {
        List<Fake> five = servers(5);
        Map<String, String> before = assign(Balancer.consistentHash(), five, 1000);
        List<Fake> six = new ArrayList<>(five);
        six.add(new Fake("10.0.0.6:8080"));
        Map<String, String> after = assign(Balancer.consistentHash(), six, 1000);
        before.forEach((key, owner) -> {
            if (!owner.equals(after.get(key))) {
                assertThat(after.get(key)).as(key).isEqualTo("10.0.0.6:8080");
            }
        });
        assertThat(after.values().stream().filter("10.0.0.6:8080"::equals).count()).isBetween(110L, 230L);
    }

    @Test
    void anIneligibleOwnerSendsItsKeysToTheNextServerOnTheRingAndGetsThemBack() {
        List<Fake> servers = servers(5);
        Balancer<Fake> balancer = Balancer.consistentHash();
        Map<String, String> before = assign(balancer, servers, 1000);
        String down = servers.get(0).id;
        // Skipping one server (full, or already tried) is the same as removing it from the ring.
        List<Fake> without = new ArrayList<>(servers);
        without.remove(0);
        Map<String, String> expected = assign(Balancer.consistentHash(), without, 1000);
        for (int k = 0; k < 1000; k++) {
            String key = "user-" + k;
            String owner = balancer.pick(servers, s -> !s.id().equals(down), key).id;
            assertThat(owner).as(key).isEqualTo(expected.get(key));
            if (!before.get(key).equals(down)) {
                assertThat(owner).as(key).isEqualTo(before.get(key));
            }
        }
        assertThat(assign(balancer, servers, 1000)).isEqualTo(before);
    }

    @Test
    void consistentHashWithoutAKeyGoesInTurn() {
        List<Fake> servers = servers(3);
        Balancer<Fake> balancer = Balancer.consistentHash();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(balancer.pick(servers, ANY, null).id);
        }
        assertThat(picks).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080",
                "10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080");
    }
}
