using CommerceKit.Redis.Scripting;

namespace CommerceKit.Redis.Inventory;

/// <summary>
/// The inventory's Lua scripts. Each SKU is one hash in its SKU's slot: <c>on</c> (units on hand), <c>res</c> (units
/// reserved), <c>h:{reservation}</c> (the units a reservation holds) and <c>c:{customer}</c> (units a customer holds or
/// bought). Each reservation is one hash in its id's slot, the record that alone decides its status on its server's
/// clock: <c>st</c> (0 being made, 1 held, 2 confirmed, 3 released, 4 expired, 5 abandoned by a caller that died
/// while making it), <c>exp</c>, <c>at</c> (the expiry first answered), <c>lines</c>, <c>cust</c>, <c>settled</c>
/// (its lines were sold or freed) and <c>ann</c> (its expiry was announced). A sorted set of deadlines tells the
/// sweeper which records to look at.
/// </summary>
internal static class InventoryScripts
{
    /// <summary>The record's status while a reservation across slots is being made.</summary>
    public const int Pending = 0;

    /// <summary>The record's status when the caller making it died and the sweeper gave its lines back.</summary>
    public const int Abandoned = 5;

    /// <summary>What <see cref="Decide"/> answers for a held reservation the sweeper found not due yet.</summary>
    public const int NotDue = 9;

    private const string Library = """
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        -- Holds the lines on the stock hashes KEYS[first..last], quantities from ARGV[qfirst..], all or none; with
        -- check_only it only checks. Answers nil when held (or already held by this reservation), else
        -- {3, units each line's customer may still take} over the customer limit, or {2, units available per line}.
        local function hold_lines(first, last, qfirst, rid, customer, limit, check_only)
          if redis.call('HEXISTS', KEYS[first], 'h:' .. rid) == 1 then return nil end
          local answer, short = {0}, false
          if limit then
            answer[1] = 3
            for i = first, last do
              local room = limit - tonumber(redis.call('HGET', KEYS[i], 'c:' .. customer) or '0')
              if room < 0 then room = 0 end
              answer[#answer + 1] = room
              if room < tonumber(ARGV[qfirst + i - first]) then short = true end
            end
            if short then return answer end
          end
          answer = {2}
          for i = first, last do
            local stock = redis.call('HMGET', KEYS[i], 'on', 'res')
            local available = tonumber(stock[1] or '0') - tonumber(stock[2] or '0')
            answer[#answer + 1] = available
            if available < tonumber(ARGV[qfirst + i - first]) then short = true end
          end
          if short then return answer end
          if not check_only then
            for i = first, last do
              local quantity = ARGV[qfirst + i - first]
              redis.call('HINCRBY', KEYS[i], 'res', quantity)
              redis.call('HSET', KEYS[i], 'h:' .. rid, quantity)
              if customer ~= '' then redis.call('HINCRBY', KEYS[i], 'c:' .. customer, quantity) end
            end
          end
          return nil
        end

        -- Answers {1, expiry first answered} for a reservation made before, {-1} for one being made or given back now.
        local function known(record)
          local r = redis.call('HMGET', record, 'st', 'at')
          if not r[1] then return nil end
          local status = tonumber(r[1])
          if status >= 1 and status <= 4 then return {1, tonumber(r[2])} end
          return {-1}
        end

        """;

    // KEYS = record, deadlines, stock of each line; ARGV = id, ttl ms, retention ms, customer or '', limit or '',
    // encoded lines, quantity of each line. Every key in one slot: the whole reservation in one step.
    // Answers {1, expiry ms}, {-1} busy, or hold_lines's refusal.
    public static readonly RedisScript ReserveInOneSlot = new(Library + """
        local seen = known(KEYS[1])
        if seen then return seen end
        local refused = hold_lines(3, #KEYS, 7, ARGV[1], ARGV[4], tonumber(ARGV[5]), false)
        if refused then return refused end
        local expires = now_ms() + tonumber(ARGV[2])
        redis.call('HSET', KEYS[1], 'st', 1, 'exp', expires, 'at', expires, 'lines', ARGV[6], 'cust', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]))
        redis.call('ZADD', KEYS[2], expires, ARGV[1])
        return {1, expires}
        """);

    // KEYS = record; ARGV = ttl ms, customer or '', encoded lines, how long past the ttl the record outlives a dead
    // caller. Starts a reservation across slots: {0, deadline} when started, else what known() answers.
    public static readonly RedisScript Begin = new(Library + """
        local seen = known(KEYS[1])
        if seen then return seen end
        local deadline = now_ms() + tonumber(ARGV[1])
        redis.call('HSET', KEYS[1], 'st', 0, 'exp', deadline, 'lines', ARGV[3], 'cust', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[4]))
        return {0, deadline}
        """);

    // KEYS = stock of each line in one slot; ARGV = id, customer or '', limit or '', '1' to only check, quantities.
    // Answers {0} when held (or fit, when only checking), else hold_lines's refusal.
    public static readonly RedisScript HoldLines = new(Library + """
        return hold_lines(1, #KEYS, 5, ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1') or {0}
        """);

    // KEYS = record; ARGV = ttl ms, retention ms. Completes a reservation begun across slots: {1, expiry ms}, or {-1}
    // when the sweeper gave it up first (its caller took longer than its time to live).
    public static readonly RedisScript Finish = new(Library + """
        if tonumber(redis.call('HGET', KEYS[1], 'st')) ~= 0 then return {-1} end
        local expires = now_ms() + tonumber(ARGV[1])
        redis.call('HSET', KEYS[1], 'st', 1, 'exp', expires, 'at', expires)
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]))
        return {1, expires}
        """);

    // KEYS = record. Forgets a reservation across slots that could not take every line (its holds are freed first).
    public static readonly RedisScript Abandon = new("""
        if redis.call('HGET', KEYS[1], 'st') == '0' then redis.call('DEL', KEYS[1]) end
        return 0
        """);

    // KEYS = stock of each line in one slot; ARGV = id, customer or '', '1' to sell the units (else they go back).
    // Frees what the reservation holds on these SKUs; lines it no longer holds are left alone, so running it again
    // changes nothing.
    public static readonly RedisScript FreeLines = new("""
        for i = 1, #KEYS do
          local held = 'h:' .. ARGV[1]
          local quantity = tonumber(redis.call('HGET', KEYS[i], held))
          if quantity then
            redis.call('HDEL', KEYS[i], held)
            redis.call('HINCRBY', KEYS[i], 'res', -quantity)
            if ARGV[3] == '1' then
              redis.call('HINCRBY', KEYS[i], 'on', -quantity)
            elseif ARGV[2] ~= '' and redis.call('HINCRBY', KEYS[i], 'c:' .. ARGV[2], -quantity) <= 0 then
              redis.call('HDEL', KEYS[i], 'c:' .. ARGV[2])
            end
          end
        end
        return 0
        """);

    // KEYS = record; ARGV = action (1 extend, 2 confirm, 3 release, 0 sweep), ttl ms, retention ms.
    // Decides on the record's clock and answers {status, expiry ms, settled, announce, lines, customer}: status 0 not
    // found, 1 held, 2-4 final, 5 abandoned, 9 (sweep only) held and not due yet. The caller then settles the lines.
    public static readonly RedisScript Decide = new(Library + """
        local r = redis.call('HMGET', KEYS[1], 'st', 'exp', 'lines', 'cust', 'settled', 'ann')
        if not r[1] then return {0} end
        local status, expires, action, now = tonumber(r[1]), tonumber(r[2]), tonumber(ARGV[1]), now_ms()
        if status <= 1 and expires > now then
          if action == 0 then return {9, expires} end
          if status == 0 then return {0} end
          if action == 1 then
            expires = now + tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], 'exp', expires)
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]))
            return {1, expires}
          end
          status = action
          redis.call('HSET', KEYS[1], 'st', status)
        elseif status <= 1 then
          if status == 0 then status = 5 else status = 4 end
          redis.call('HSET', KEYS[1], 'st', status)
        end
        local announce = 0
        if status == 4 and action == 0 and not r[6] then
          announce = 1
          redis.call('HSET', KEYS[1], 'ann', 1)
        end
        return {status, expires, r[5] and 1 or 0, announce, r[3], r[4]}
        """);

    // KEYS = record; ARGV = retention ms. Marks the lines of a final reservation settled; an abandoned one is deleted.
    public static readonly RedisScript Settle = new("""
        local status = tonumber(redis.call('HGET', KEYS[1], 'st'))
        if status == 5 then
          redis.call('DEL', KEYS[1])
        elseif status and status >= 2 then
          redis.call('HSET', KEYS[1], 'settled', 1)
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        return 0
        """);

    // KEYS = deadlines; ARGV = most ids. The ids whose deadline passed on this server's clock, earliest first.
    public static readonly RedisScript Due = new(Library + """
        return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now_ms(), 'LIMIT', 0, tonumber(ARGV[1]))
        """);

    // KEYS = deadlines; ARGV = id. Drops a handled id unless a newer reservation with the same id has put a later
    // deadline there meanwhile.
    public static readonly RedisScript Forget = new(Library + """
        local deadline = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
        if deadline and deadline <= now_ms() then redis.call('ZREM', KEYS[1], ARGV[1]) end
        return 0
        """);

    // KEYS = stock; ARGV = units, '1' to add them to what is on hand (else set), the most units on hand. Answers 1, 0
    // (nothing changed) when fewer units than reserved, or fewer than none, would be on hand, or -1 (nothing changed)
    // when more than the most would. Lua numbers are doubles, exact up to 2^53: the caller keeps every value below
    // that, and '%d' writes the count in full where tostring would round it to 14 digits.
    public static readonly RedisScript SetStock = new("""
        local stock = redis.call('HMGET', KEYS[1], 'on', 'res')
        local onHand = tonumber(ARGV[1])
        if ARGV[2] == '1' then onHand = onHand + tonumber(stock[1] or '0') end
        if onHand > tonumber(ARGV[3]) then return -1 end
        if onHand < 0 or onHand < tonumber(stock[2] or '0') then return 0 end
        redis.call('HSET', KEYS[1], 'on', string.format('%d', onHand))
        return 1
        """);
}
